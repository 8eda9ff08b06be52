// 导入数据 / Import data: the tool's state, the request of POST
// api/layers/{layer}/import (the file's bytes; its name, CRS, encoding, field mapping
// and dry run in the query) and the server's answers read into what the panel shows.
// Pure. The server reads the file (the same reader as `landtrace import`), decides its
// CRS, checks every feature and stores all or nothing; the page only previews.
//
// 导入到：a file goes into an existing layer that the signed-in role owns (`layers` of
// api/me), or into a new layer (新建图层: `new_layer=true`) whose schema the server
// infers from the file — its name (ASCII), 中文名称, owner (the signed-in role; an
// admin may name any), 公开 and 生成瓦片 are chosen here; the dry run answers the
// inferred definition, shown as a table of fields.

import { fieldLabel, layerTitle, t } from '../../lib/i18n.js';
import { emptyBox, extendBox } from '../../lib/geo.js';

/** The file name extensions the server reads (a shapefile or MapInfo table zipped with its companions). */
export const EXTENSIONS = ['zip', 'gpkg', 'kml', 'kmz', 'csv', 'txt', 'tsv', 'xlsx', 'ods', 'geojson', 'json', 'gpx', 'dxf', 'fgb'];

/** The `accept` attribute of the file picker. */
export const ACCEPT = EXTENSIONS.map((e) => `.${e}`).join(',');

/** CRS choices: `auto` lets the server decide (declared by the file, else recognised from the coordinates). */
export const CRS_OPTIONS = [
  ['auto', 'im_auto'],
  ['EPSG:4326', 'im_crs_wgs84'],
  ['EPSG:4490', 'im_crs_cgcs2000'],
  ['EPSG:4525', 'im_crs_gk37'],
  ['EPSG:4546', 'im_crs_cm111'],
  ['gcj02', 'im_crs_gcj02'],
  ['bd09', 'im_crs_bd09'],
];

/** Encodings of a shapefile's attributes when the file does not say. */
export const ENCODING_OPTIONS = [['auto', 'im_auto'], ['UTF-8', null], ['GBK', null]];

/** The tool's state at start. */
export const initialState = () => ({
  open: false,
  file: null, // {name, size} of the chosen file (the bytes stay with the view)
  layer: '', // the target layer's table name
  crs: 'auto',
  encoding: 'auto',
  sourceLayer: '', // the layer of a multi-layer file (GeoPackage, workbook); '' for a file of one
  repair: false,
  mapping: null, // {target: source | ''} once the server named the file's fields
  status: 'idle', // idle | loading | checked | invalid | imported | error
  dryRun: true,
  answer: null, // the last answer of the import route
  mappingSent: null, // the mapping that answer was made with (JSON), to know when it is stale
  message: '',
  target: 'existing', // 导入到：existing (已有图层) | new (新建图层)
  newLayer: { name: '', titleZh: '', owner: '', public: true, tiled: true },
});

/** The roles a layer may be owned by (api/layers `owner`). */
export const OWNER_ROLES = ['admin', 'agriculture', 'housing', 'land', 'traffic'];

/** The owners `session` may give a new layer: any role for an admin, else its own. */
export const ownerChoices = (session) => (!session ? [] : session.role === 'admin' ? OWNER_ROLES : [session.role]);

/**
 * What is wrong with `name` as a new layer's name, as an i18n key: '' when it is a
 * plain name (a lower-case ASCII letter, then up to 62 of `a-z0-9_`) that no listed
 * layer has (the server checks the rest: built-in and reserved names, tile sets).
 */
export function layerNameProblem(name, layers) {
  if (!name) return 'im_new_name_missing';
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) return 'im_new_name_bad';
  if ((layers ?? []).some((l) => l.layer === name)) return 'im_new_name_taken';
  return '';
}

/**
 * The inferred fields of a new-layer dry run (`answer.definition`), as the panel lists
 * them: `{name, source, type, personal}` — `source` is the file's field name (the
 * column's `title` when it was renamed, e.g. 权利人 → field_3).
 */
export function inferredFields(answer) {
  return (answer?.definition?.fields ?? []).map((f) => ({
    name: f.name, source: f.title ?? f.name, type: f.type, personal: Boolean(f.personal),
  }));
}

/** The type of an inferred field in words (文本, 整数, 小数, 日期). */
export const fieldTypeLabel = (type) => t(`im_type_${String(type).toLowerCase()}`);

/**
 * What the import's answer depends on besides the file and the read options: the
 * mapping into an existing layer, or the new layer's options. A dry run records it; 导入
 * waits for a dry run of the current one.
 */
export function sentKey(state) {
  if (state.target === 'new') return JSON.stringify({ newLayer: state.newLayer });
  return JSON.stringify(mappingParam(state.mapping));
}

/** The extension of `name` in lower case, or '' when the server does not read it. */
export function extensionOf(name) {
  const m = /\.([^./\\]+)$/.exec(name ?? '');
  const ext = m ? m[1].toLowerCase() : '';
  return EXTENSIONS.includes(ext) ? ext : '';
}

/**
 * The layers a session may import into: those of `layers` (the answer of api/layers)
 * that its role owns (`session.layers` of api/me; an admin owns all), in the server's order.
 */
export function ownedLayers(session, layers) {
  if (!session) return [];
  const owned = Array.isArray(session.layers) ? new Set(session.layers) : null;
  return (layers ?? []).filter((l) => (owned ? owned.has(l.layer) : session.role === 'admin'));
}

/** The target field ← source field mapping pre-filled by equal names (ignoring case), '' when none is equal. */
export function defaultMapping(sourceFields, targetFields) {
  const byLower = new Map((sourceFields ?? []).map((s) => [s.toLowerCase(), s]));
  return Object.fromEntries((targetFields ?? []).map((f) => [f.name, byLower.get(f.name.toLowerCase()) ?? '']));
}

/** The mapping as the server takes it: only the targets given a source field. */
export function mappingParam(mapping) {
  if (!mapping) return null;
  return Object.fromEntries(Object.entries(mapping).filter(([, source]) => source));
}

/** Whether the file has fields that are not the layer's (so a dry run without a mapping refuses them). */
export const needsMapping = (answer) => {
  const targets = new Set((answer?.target_fields ?? []).map((f) => f.name));
  return (answer?.source_fields ?? []).some((s) => !targets.has(s));
};

/** The path and query of the import request for `state`'s file, layer and options. */
export function importPath(state, dryRun) {
  const q = new URLSearchParams();
  q.set('filename', state.file?.name ?? '');
  q.set('dry_run', String(dryRun));
  if (state.crs !== 'auto') q.set('crs', state.crs);
  if (state.encoding !== 'auto') q.set('encoding', state.encoding);
  if (state.sourceLayer?.trim()) q.set('layer', state.sourceLayer.trim());
  if (state.repair) q.set('repair', 'true');
  if (state.target === 'new') {
    const n = state.newLayer;
    q.set('new_layer', 'true');
    if (n.owner) q.set('owner', n.owner);
    if (n.titleZh?.trim()) q.set('title_zh', n.titleZh.trim());
    if (!n.public) q.set('private', 'true');
    else if (!n.tiled) q.set('no_tiles', 'true');
    return `api/layers/${encodeURIComponent(n.name)}/import?${q}`;
  }
  const mapping = mappingParam(state.mapping);
  if (mapping) q.set('fields', JSON.stringify(mapping));
  return `api/layers/${encodeURIComponent(state.layer)}/import?${q}`;
}

/** The layer a request goes to: the chosen existing layer, or the new layer's name. */
export const targetLayer = (state) => (state.target === 'new' ? state.newLayer.name : state.layer);

/**
 * The state after an answer (`{ok, status, answer, error}` of ui/api.js `send`): a dry
 * run passed (`checked`), an import stored (`imported`), features with problems
 * (`invalid`, the preview and problems kept), or a file or request refused (`error`,
 * with the server's message).
 */
export function importOutcome({ ok, status, answer, error }, mappingSent) {
  if (ok && answer) return { status: answer.dry_run ? 'checked' : 'imported', answer, mappingSent, message: '' };
  if (status === 400 && Array.isArray(answer?.problems) && answer.problems.length && answer.features) {
    return { status: 'invalid', answer, mappingSent, message: '' };
  }
  const key = status === 401 ? 'im_unauthorized' : status === 403 ? 'im_forbidden' : status === 409 ? 'im_taken'
    : status === 413 ? 'im_too_large' : 'im_failed';
  return { status: 'error', answer: null, mappingSent: null, message: `${t(key)}${t('colon')}${error}` };
}

/**
 * Whether the 导入 button may be pressed: a passed dry run of the current file, target,
 * and mapping or new-layer options (`mappingSent` holds the `sentKey` it was made with).
 */
export const canImport = (state) => state.status === 'checked' && Boolean(state.answer?.dry_run)
  && !(state.answer?.problems?.length) && sentKey(state) === state.mappingSent
  && Boolean(state.answer?.new_layer) === (state.target === 'new');

/** One problem as the list shows it: `{where, field, message}` — 第 N 个要素 (or 整个文件), the field's label, the reason. */
export function problemLine(p) {
  const where = p.feature == null ? t('im_whole_file') : t('im_feature_n', p.feature);
  const field = p.field ? `${fieldLabel(p.field)}${fieldLabel(p.field) === p.field ? '' : ` (${p.field})`}` : '';
  const message = p.field && p.message.startsWith(`${p.field}: `) ? p.message.slice(p.field.length + 2) : p.message;
  return { where, field, message };
}

/** `[w, s, e, n]` of the preview's geometries, or null when it has none. */
export function previewBox(collection) {
  const box = emptyBox();
  for (const f of collection?.features ?? []) if (f.geometry?.coordinates) extendBox(box, f.geometry.coordinates);
  return Number.isFinite(box[0]) ? box : null;
}

/** The summary line of an answer. */
export function summary(state) {
  const a = state.answer;
  if (!a) return '';
  if (a.new_layer) {
    const layer = a.definition?.title_zh && a.definition.title_zh !== a.layer ? `${a.definition.title_zh}（${a.layer}）` : a.layer;
    if (state.status === 'imported') return t('im_new_imported', { count: a.stored, layer });
    if (state.status === 'invalid' && a.problems.every((p) => p.feature == null)) return t('im_new_refused_file');
    if (state.status === 'invalid') {
      const bad = new Set(a.problems.map((p) => p.feature)).size;
      return `${t('im_refused', { bad, count: a.count })}${t('im_new_not_created')}`;
    }
    return t('im_new_checked', { count: a.count, layer });
  }
  const layer = layerTitle(a.layer);
  if (state.status === 'imported') return t('im_imported', { count: a.stored, layer });
  if (state.status === 'invalid') {
    const bad = new Set(a.problems.map((p) => p.feature)).size;
    return t('im_refused', { bad, count: a.count });
  }
  return t('im_checked', { count: a.count, layer });
}

/** A target field's label for the mapping table: its name, its label, required or not. */
export const targetLabel = (f) => `${fieldLabel(f.name)}${fieldLabel(f.name) === f.name ? '' : ` (${f.name})`}${f.required ? ' *' : ''}`;
