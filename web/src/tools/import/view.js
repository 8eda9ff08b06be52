// 导入数据 / Import data (#import-panel): staff drop a file (zipped shapefile, GeoPackage,
// KML/KMZ, CSV or a coordinate text file, XLSX, GeoJSON…) or pick one, choose an existing
// layer their role owns, optionally the CRS and encoding (自动识别 by default), and run
// a dry run (POST api/layers/{layer}/import?dry_run=true): the notes (e.g. the assumed
// CRS), every problem (第 N 个要素 · 字段 · 原因) and the features drawn on the map in a
// temporary source of their own, fitted to their bounds. The field-mapping table
// (target field ← source field, pre-filled by equal names) re-runs the dry run. 导入 is
// enabled only after a dry run without problems; it shows the count stored. Closing the
// tool removes the preview. 导入到 新建图层 makes a new layer from the file instead: its
// name, 中文名称, owner, 公开 and tiles are asked here, the dry run lists the fields the
// server inferred (字段名, 文件字段, 类型, 个人信息), and 导入 creates the layer; the layer
// list and the map take it in at once. The state and the reading of answers are in state.js.
//
// For tests: `#import-panel[data-state]` is `signed-out | loading | idle | checked |
// invalid | imported | error`; drop zone `#import-drop`, file input `#import-file`,
// target radios `#import-target-existing` / `#import-target-new`, layer `#import-layer`,
// new layer `#import-new-name`, `#import-new-title`, `#import-new-owner`,
// `#import-new-public`, `#import-new-tiled`, name problem `#import-new-name-problem`,
// inferred fields `#import-inferred tbody tr`, CRS `#import-crs`, encoding `#import-encoding`,
// buttons `#import-check` and `#import-run`, summary `#import-summary`, notes
// `#import-notes li`, problems `#import-problems li`, mapping `#import-mapping select`;
// map layers `import:fill`, `import:line`, `import:points`.

import { layerTitle, roleName, t } from '../../lib/i18n.js';
import { showLayers } from '../../map-style.js';
import { fetchJson, send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { whenMapLoaded } from '../../ui/lazy-tool.js';
import { fileButton, fitAboveSheet, toolPanel } from '../../ui/panel.js';
import { getSession, onAuthChange } from '../auth/state.js';
import {
  ACCEPT, CRS_OPTIONS, ENCODING_OPTIONS, canImport, defaultMapping, extensionOf, fieldTypeLabel, importOutcome, importPath,
  inferredFields, initialState, layerNameProblem, needsMapping, ownedLayers, ownerChoices, previewBox, problemLine, sentKey,
  summary, targetLabel, targetLayer,
} from './state.js';

const PREVIEW_SOURCE = 'import-preview';
const EMPTY = { type: 'FeatureCollection', features: [] };

/**
 * The tool. `button` opens and closes `root`; `onOpen()` runs when it opens, `onImported(table)`
 * after features were stored or a layer created (the layer list and counts are fetched
 * again, new layers drawn), `signIn()` opens the sign-in panel.
 */
export function importTool({ map, root, button, phone, onOpen, onChange, onImported, signIn }) {
  const body = root.querySelector('.import-body');
  const state = initialState();
  let bytes = null; // the chosen file's bytes
  let layers = null; // api/layers answer's layers
  let request = 0;
  let layersReady = false;

  // ----- the preview on the map --------------------------------------------------------
  const addLayers = () => {
    map.addSource(PREVIEW_SOURCE, { type: 'geojson', data: EMPTY });
    const kind = (...types) => ['in', ['geometry-type'], ['literal', types]];
    map.addLayer({ id: 'import:fill', type: 'fill', source: PREVIEW_SOURCE, filter: kind('Polygon', 'MultiPolygon'),
      paint: { 'fill-color': '#f08c00', 'fill-opacity': 0.25 } });
    map.addLayer({ id: 'import:line', type: 'line', source: PREVIEW_SOURCE, filter: kind('Polygon', 'MultiPolygon', 'LineString', 'MultiLineString'),
      paint: { 'line-color': '#d9480f', 'line-width': 2 } });
    map.addLayer({ id: 'import:points', type: 'circle', source: PREVIEW_SOURCE, filter: kind('Point', 'MultiPoint'),
      paint: { 'circle-radius': 6, 'circle-color': '#f08c00', 'circle-stroke-color': '#7a2e00', 'circle-stroke-width': 1.5 } });
    layersReady = true;
    updateMap(false);
  };
  whenMapLoaded(map, addLayers);

  function updateMap(fit) {
    if (!layersReady) return;
    const data = state.open && state.answer?.features ? state.answer.features : EMPTY;
    map.getSource(PREVIEW_SOURCE).setData(data);
    showLayers(map, 'import:', state.open);
    const box = fit ? previewBox(data) : null;
    if (box) {
      const [w, s, e, n] = box;
      const pad = 0.002;
      fitAboveSheet(map, [w - pad, s - pad, e + pad, n + pad], { phone, root, maxZoom: 16 });
    }
  }

  // ----- server calls -------------------------------------------------------------------
  async function loadLayers() {
    try {
      layers = (await fetchJson('api/layers')).layers;
    } catch (err) {
      layers = [];
      Object.assign(state, { status: 'error', message: `${t('im_failed')}${t('colon')}${err.message}` });
    }
    refresh();
  }

  /** Whether a request can be made: a file, and a layer or a valid new layer's name. */
  const ready = () => Boolean(bytes) && (state.target === 'new'
    ? !layerNameProblem(state.newLayer.name, layers) : Boolean(state.layer));

  async function run(dryRun) {
    if (!ready()) return refresh();
    const mine = ++request;
    const mappingSent = sentKey(state);
    Object.assign(state, { status: 'loading', dryRun, message: '' });
    refresh();
    let outcome;
    try {
      outcome = importOutcome(await send(importPath(state, dryRun), { method: 'POST', body: bytes, contentType: 'application/octet-stream' }), mappingSent);
    } catch (err) {
      outcome = { status: 'error', answer: null, mappingSent: null, message: `${t('im_failed')}${t('colon')}${err.message}` };
    }
    if (mine !== request) return;
    const first = state.target === 'existing' && !state.mapping && outcome.answer;
    Object.assign(state, outcome);
    if (first) {
      state.mapping = defaultMapping(outcome.answer.source_fields, outcome.answer.target_fields);
      // Fields that are not the layer's: the dry run again with the equal names mapped;
      // otherwise the mapping of equal names is what was checked.
      if (dryRun && needsMapping(outcome.answer)) return run(true);
      state.mappingSent = sentKey(state);
    }
    if (state.status === 'imported') {
      onImported?.(targetLayer(state));
      // A new layer is an existing one now: the list of layers to import into again,
      // and the form empty for the next one (the summary names the layer made).
      if (state.target === 'new') {
        state.newLayer = { ...state.newLayer, name: '', titleZh: '' };
        loadLayers();
      }
    }
    refresh(true);
    onChange?.();
  }

  function chooseFile(file) {
    if (!file) return;
    ++request;
    Object.assign(state, { file: { name: file.name, size: file.size }, mapping: null, answer: null, mappingSent: null, status: 'idle', message: '' });
    bytes = null;
    if (!extensionOf(file.name)) {
      Object.assign(state, { status: 'error', message: t('im_bad_extension', ACCEPT.replaceAll(',', ' ')) });
      return refresh();
    }
    file.arrayBuffer().then((b) => {
      bytes = b;
      if (ready()) run(true);
      else refresh();
    }, (err) => {
      Object.assign(state, { status: 'error', message: `${t('im_failed')}${t('colon')}${err.message}` });
      refresh();
    });
    refresh();
  }

  // ----- the panel ------------------------------------------------------------------------
  function refresh(fit = false) {
    if (!state.open) return;
    updateMap(fit);
    const session = getSession();
    if (!session) {
      root.dataset.state = 'signed-out';
      const b = el('button', { type: 'button', class: 'v-button primary', id: 'import-sign-in' }, t('sign_in'));
      b.addEventListener('click', () => signIn?.());
      return body.replaceChildren(el('p', { class: 'v-note' }, t('im_sign_in')), b);
    }
    if (layers == null) {
      root.dataset.state = 'loading';
      return body.replaceChildren(el('p', { class: 'loading' }, t('loading')));
    }
    const owned = ownedLayers(session, layers);
    // A role without a layer of its own may still make one.
    if (!owned.length) state.target = 'new';
    if (!owned.some((l) => l.layer === state.layer)) state.layer = owned[0]?.layer ?? '';
    if (!ownerChoices(session).includes(state.newLayer.owner)) state.newLayer.owner = session.role;
    root.dataset.state = state.status;
    body.replaceChildren(...controls(owned), result());
  }

  function controls(owned) {
    const [input, label] = fileButton({ id: 'import-file', accept: ACCEPT, label: t('im_choose_file'), onFile: chooseFile });
    const drop = el('div', { class: 'im-drop', id: 'import-drop', tabindex: '-1' }, [
      el('p', {}, t('im_drop')),
      el('div', { class: 'v-upload' }, [input, label,
        el('span', { class: 'v-file-name', id: 'import-file-name' }, state.file?.name ?? t('tr_no_file'))]),
      el('p', { class: 'v-small muted' }, t('im_formats')),
    ]);
    drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      chooseFile(e.dataTransfer?.files?.[0]);
    });
    const select = (id, options, value, onChange) => {
      const s = el('select', { id }, options.map(([v, text]) => el('option', { value: v }, text)));
      s.value = value;
      s.addEventListener('change', () => onChange(s.value));
      return s;
    };
    const rerun = () => { if (bytes && state.answer) run(true); else refresh(); };
    // A file refused as a whole (several layers, say) is checked again too.
    const rerunOrCheck = () => { if (bytes && state.layer) run(true); else refresh(); };
    const layer = select('import-layer', owned.map((l) => [l.layer, `${layerTitle(l.layer)}（${l.layer}）`]), state.layer, (v) => {
      Object.assign(state, { layer: v, mapping: null, answer: null, mappingSent: null, status: 'idle' });
      if (bytes) run(true); else refresh();
    });
    // 导入到：已有图层 / 新建图层; changing it forgets the last answer.
    const retarget = (target) => {
      Object.assign(state, { target, mapping: null, answer: null, mappingSent: null, status: 'idle', message: '' });
      if (ready()) run(true); else refresh();
    };
    const radio = (value, key) => {
      const r = el('input', { type: 'radio', name: 'import-target', id: `import-target-${value}`, value,
        checked: state.target === value, disabled: value === 'existing' && !owned.length });
      r.addEventListener('change', () => { if (r.checked) retarget(value); });
      return el('label', { for: `import-target-${value}`, class: 'im-target' }, [r, ` ${t(key)}`]);
    };
    const target = el('div', { class: 'im-targets', role: 'radiogroup' },
      [radio('existing', 'im_target_existing'), radio('new', 'im_target_new')]);
    const crs = select('import-crs', CRS_OPTIONS.map(([v, key]) => [v, t(key)]), state.crs, (v) => { state.crs = v; rerun(); });
    const encoding = select('import-encoding', ENCODING_OPTIONS.map(([v, key]) => [v, key ? t(key) : v]), state.encoding,
      (v) => { state.encoding = v; rerun(); });
    const sourceLayer = el('input', { type: 'text', id: 'import-source-layer', value: state.sourceLayer, placeholder: t('im_source_layer_hint') });
    sourceLayer.addEventListener('change', () => { state.sourceLayer = sourceLayer.value; rerunOrCheck(); });
    const repair = el('input', { type: 'checkbox', id: 'import-repair', checked: state.repair });
    repair.addEventListener('change', () => { state.repair = repair.checked; rerun(); });
    const busy = state.status === 'loading';
    const check = el('button', { type: 'button', id: 'import-check', class: 'v-button', disabled: !ready() || busy }, t('im_check'));
    const go = el('button', { type: 'button', id: 'import-run', class: 'v-button primary', disabled: busy || !canImport(state) }, t('im_run'));
    check.addEventListener('click', () => run(true));
    go.addEventListener('click', () => run(false));
    return [
      el('p', { class: 'v-note' }, t('im_hint')),
      drop,
      el('div', { class: 'v-params' }, [
        el('span', {}, t('im_target_choice')), target,
        ...(state.target === 'new' ? newLayerControls() : [el('label', { for: 'import-layer' }, t('im_layer')), layer]),
        el('label', { for: 'import-crs' }, t('im_crs')), crs,
        el('label', { for: 'import-encoding' }, t('im_encoding')), encoding,
        el('label', { for: 'import-source-layer' }, t('im_source_layer')), sourceLayer,
        el('label', { for: 'import-repair' }, t('im_repair')), el('span', {}, repair),
      ]),
      ...(state.target === 'new' ? [el('p', { class: 'v-small muted' }, t('im_existing_only'))] : []),
      el('div', { class: 'v-actions' }, [check, go]),
    ];
  }

  /** The new layer's inputs (label, control pairs of the parameter grid). */
  function newLayerControls() {
    const n = state.newLayer;
    // Any change makes the last dry run stale; a name or title is checked again when left.
    const changed = (patch, recheck) => {
      Object.assign(n, patch);
      if (recheck && ready()) run(true); else refresh();
    };
    const name = el('input', { type: 'text', id: 'import-new-name', value: n.name, placeholder: t('im_new_name_hint'),
      autocomplete: 'off', spellcheck: 'false', pattern: '[a-z][a-z0-9_]*', maxlength: '63' });
    name.addEventListener('change', () => changed({ name: name.value.trim() }, true));
    const title = el('input', { type: 'text', id: 'import-new-title', value: n.titleZh, placeholder: t('im_new_title_zh_hint') });
    title.addEventListener('change', () => changed({ titleZh: title.value }, true));
    const owners = ownerChoices(getSession());
    const owner = el('select', { id: 'import-new-owner', disabled: owners.length < 2 },
      owners.map((r) => el('option', { value: r }, roleName(r))));
    owner.value = n.owner;
    owner.addEventListener('change', () => changed({ owner: owner.value }, true));
    const pub = el('input', { type: 'checkbox', id: 'import-new-public', checked: n.public });
    pub.addEventListener('change', () => changed({ public: pub.checked }, true));
    // A layer that is not public is never tiled.
    const tiled = el('input', { type: 'checkbox', id: 'import-new-tiled', checked: n.public && n.tiled, disabled: !n.public });
    tiled.addEventListener('change', () => changed({ tiled: tiled.checked }, true));
    const problem = n.name ? layerNameProblem(n.name, layers) : '';
    return [
      el('label', { for: 'import-new-name' }, t('im_new_name')),
      el('span', {}, [name, problem ? el('span', { class: 'v-warning v-small', id: 'import-new-name-problem', role: 'alert' }, t(problem)) : null]),
      el('label', { for: 'import-new-title' }, t('im_new_title_zh')), title,
      el('label', { for: 'import-new-owner' }, t('im_new_owner')), owner,
      el('label', { for: 'import-new-public' }, t('im_new_public')), el('span', {}, pub),
      el('label', { for: 'import-new-tiled' }, t('im_new_tiled')), el('span', {}, tiled),
    ];
  }

  /** The fields the server inferred for a new layer. */
  function inferredTable(a) {
    const rows = inferredFields(a).map((f) => el('tr', { 'data-field': f.name }, [
      el('td', {}, f.name), el('td', {}, f.source), el('td', {}, fieldTypeLabel(f.type)),
      el('td', {}, f.personal ? t('im_yes') : ''),
    ]));
    return el('div', { id: 'import-inferred' }, [
      el('h4', {}, t('im_inferred')),
      el('table', { class: 'price-table v-table' }, [
        el('thead', {}, el('tr', {}, ['im_inferred_name', 'im_inferred_source', 'im_inferred_type', 'im_inferred_personal']
          .map((k) => el('th', {}, t(k))))),
        el('tbody', {}, rows),
      ]),
    ]);
  }

  function result() {
    const box = el('div', { class: 'v-result', 'aria-live': 'polite' });
    if (state.status === 'loading') box.append(el('p', { class: 'loading' }, state.dryRun ? t('im_checking') : t('im_importing')));
    if (state.status === 'error') box.append(el('p', { class: 'warning', role: 'alert', id: 'import-error' }, state.message));
    const a = state.answer;
    if (!a || state.status === 'loading' || state.status === 'error') return box;
    const ok = state.status !== 'invalid';
    box.append(el('p', { class: ok ? 'tr-ok' : 'v-warning', id: 'import-summary', role: 'status' }, el('strong', {}, summary(state))));
    if (state.status === 'checked') box.append(el('p', { class: 'v-note' }, t('im_checked_next')));
    if (a.preview_truncated) box.append(el('p', { class: 'v-note' }, t('im_truncated', a.features.features.length)));
    if (a.definition) box.append(inferredTable(a));
    const notes = [...(a.crs ? [`${t('im_crs_used')}${t('colon')}${a.crs}`] : []), ...(a.inference ?? []), ...a.notes];
    if (notes.length) {
      box.append(el('h4', {}, t('im_notes')), el('ul', { class: 'v-notes', id: 'import-notes' }, notes.map((n) => el('li', {}, n))));
    }
    if (a.problems.length) {
      box.append(el('h4', {}, t('im_problems', a.problems.length)), el('ul', { class: 'im-problems', id: 'import-problems' },
        a.problems.map((p) => {
          const line = problemLine(p);
          return el('li', { 'data-feature': p.feature ?? '', 'data-field': p.field ?? '' },
            [el('strong', {}, line.where), line.field ? ` · ${line.field}` : null, ` · ${line.message}`]);
        })));
    }
    if (!a.new_layer && state.mapping && a.target_fields?.length) box.append(mappingTable(a));
    return box;
  }

  function mappingTable(a) {
    const sources = a.source_fields ?? [];
    const rows = a.target_fields.map((f) => {
      const s = el('select', { 'data-target': f.name }, [
        el('option', { value: '' }, t('im_unmapped')),
        ...sources.map((name) => el('option', { value: name }, name)),
      ]);
      s.value = state.mapping[f.name] ?? '';
      s.addEventListener('change', () => {
        state.mapping = { ...state.mapping, [f.name]: s.value };
        run(true);
      });
      return el('tr', { 'data-target': f.name }, [el('th', {}, targetLabel(f)), el('td', {}, '←'), el('td', {}, s)]);
    });
    return el('div', { id: 'import-mapping' }, [
      el('h4', {}, t('im_mapping')),
      el('p', { class: 'v-note' }, t('im_mapping_hint')),
      el('table', { class: 'price-table v-table im-mapping' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('im_target')), el('th', {}, ''), el('th', {}, t('im_source'))])),
        el('tbody', {}, rows),
      ]),
    ]);
  }

  const setOpen = toolPanel({
    map, root, button, layoutClass: 'import-open', state, onOpen, onChange,
    toggled: (open) => {
      if (open && layers == null) loadLayers();
      if (!open) {
        // Closing forgets the file and its preview.
        ++request;
        bytes = null;
        Object.assign(state, initialState(), { layer: state.layer });
        updateMap(false);
      } else {
        refresh(Boolean(state.answer));
      }
    },
  });
  onAuthChange(() => {
    layers = null;
    if (state.open) loadLayers();
  });

  return {
    isOpen: () => state.open,
    close: () => { if (state.open) setOpen(false); },
    render: () => refresh(),
    showsIllustrative: () => false,
  };
}
