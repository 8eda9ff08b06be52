// 测量与标绘 / measure and sketch: points, lines and polygons drawn on the map, each
// line with its geodesic length and each polygon with its area (m², 亩) and perimeter,
// as the valuation measures them (lib/measure.js); the sketch as GeoJSON and KML
// (@placemarkio/tokml). Pure.

import { toKML } from '@placemarkio/tokml';
import { areaM2, fmtArea, fmtLength, lengthM, perimeterM } from '../../lib/measure.js';
import { t } from '../../lib/i18n.js';

export const KINDS = ['point', 'line', 'polygon'];
/** Corners a kind needs before it can be finished. */
export const MIN_VERTICES = { point: 1, line: 2, polygon: 3 };

export const initialState = () => ({ open: false, kind: null, vertices: [], features: [], next: 1 });

/** The GeoJSON geometry of `vertices` drawn as `kind`, coordinates to 7 decimals. */
export function geometryOf(kind, vertices) {
  const v = vertices.map(([x, y]) => [Number(x.toFixed(7)), Number(y.toFixed(7))]);
  if (kind === 'point') return { type: 'Point', coordinates: v[0] };
  if (kind === 'line') return { type: 'LineString', coordinates: v };
  return { type: 'Polygon', coordinates: [[...v, v[0]]] };
}

/** The measurements of a geometry: `{length_m}`, `{area_m2, area_mu, perimeter_m}` or `{}`. */
export function measure(geometry) {
  if (geometry.type === 'LineString') return { length_m: lengthM(geometry.coordinates) };
  if (geometry.type === 'Polygon') {
    const area = areaM2(geometry);
    return { area_m2: area, area_mu: (area * 15) / 10000, perimeter_m: perimeterM(geometry.coordinates[0]) };
  }
  return {};
}

/** The measurement as the panel words it: `1.234 km`, or `1,234.56 m² · 1.8518 亩 · 周长 …`. */
export function measureText(m) {
  if (m.length_m != null) return fmtLength(m.length_m);
  if (m.area_m2 != null) {
    const a = fmtArea(m.area_m2, t('mu'));
    return [a.m2, a.mu, a.km2, `${t('sketch_perimeter')} ${fmtLength(m.perimeter_m)}`].filter(Boolean).join(' · ');
  }
  return '';
}

/** A finished feature: its name (标点1, 线2, 面3 …), kind, geometry and measurements. */
export function featureOf(kind, vertices, n) {
  const geometry = geometryOf(kind, vertices);
  const m = measure(geometry);
  const round = (x, d) => (x == null ? undefined : Number(x.toFixed(d)));
  return {
    type: 'Feature',
    id: n,
    geometry,
    properties: {
      name: `${t(`sketch_${kind}`)}${n}`,
      kind,
      length_m: round(m.length_m, 2),
      area_m2: round(m.area_m2, 2),
      area_mu: round(m.area_mu, 4),
      perimeter_m: round(m.perimeter_m, 2),
    },
  };
}

/** The sketch as a GeoJSON FeatureCollection (WGS84), undefined measurements left out. */
export function sketchGeoJSON(features) {
  return {
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: Object.fromEntries(Object.entries(f.properties).filter(([, v]) => v !== undefined)),
    })),
  };
}

/** The sketch as KML 2.2 (names and measurements as ExtendedData; text escaped by tokml). */
export const sketchKML = (features) => toKML(sketchGeoJSON(features));

/** The GeoJSON of the map: the finished features and the one being drawn (role `drawing`, `vertex`). */
export function drawData(state) {
  const features = state.features.map((f) => ({ ...f, properties: { ...f.properties, role: 'done' } }));
  const v = state.vertices;
  if (state.kind && v.length) {
    if (state.kind === 'polygon' && v.length >= 3) features.push({ type: 'Feature', properties: { role: 'drawing' }, geometry: geometryOf('polygon', v) });
    else if (state.kind !== 'point' && v.length >= 2) features.push({ type: 'Feature', properties: { role: 'drawing' }, geometry: geometryOf('line', v) });
    v.forEach((c) => features.push({ type: 'Feature', properties: { role: 'vertex' }, geometry: { type: 'Point', coordinates: c } }));
  }
  return { type: 'FeatureCollection', features };
}

/** The running measurement of the shape being drawn, or ''. */
export function liveText(state) {
  const v = state.vertices;
  if (state.kind === 'line' && v.length >= 2) return measureText(measure(geometryOf('line', v)));
  if (state.kind === 'polygon' && v.length >= 3) return measureText(measure(geometryOf('polygon', v)));
  return '';
}
