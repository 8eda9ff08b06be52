// Lengths and areas on the WGS84 ellipsoid, as the server measures them. Pure.
//
// Areas: the server's rule (crates/spatial/src/geodesic_area.rs, the parcel area of
// POST api/land/valuation): edges are straight lines in lon/lat, the area is the exact
// ellipsoidal area of that region, `∮ (λ − λ₀) f(φ) dφ` with
// `f(φ) = a²(1 − e²) cos φ / (1 − e² sin² φ)²`, each edge integrated by 5-point
// Gauss–Legendre quadrature on pieces at most 0.05 rad of latitude. Geodesic-edged areas
// (geographiclib) differ from it by about 5e-7 relative for a 1 km parcel, so the page
// uses the server's rule to show the same numbers as the valuation
// (tests/browser/print.test.mjs compares them). Lengths: geodesics on WGS84
// (geographiclib-geodesic, Karney).

import geodesic from 'geographiclib-geodesic';
import { fixed } from './format.js';

const WGS84_A = 6378137;
const WGS84_F = 1 / 298.257223563;
const WGS84_E2 = WGS84_F * (2 - WGS84_F);
const MAX_PIECE_RAD = 0.05;
const GAUSS_LEGENDRE_5 = [
  [0.046910077030668004, 0.11846344252809454],
  [0.23076534494715845, 0.23931433524968323],
  [0.5, 0.28444444444444444],
  [0.7692346550528416, 0.23931433524968323],
  [0.953089922969332, 0.11846344252809454],
];
/** 亩 per m²: 1 亩 = 10000/15 m². */
export const MU_PER_M2 = 15 / 10000;

const rad = (d) => (d * Math.PI) / 180;
const density = (phi) => {
  const s = Math.sin(phi);
  const w = 1 - WGS84_E2 * s * s;
  return (WGS84_A * WGS84_A * (1 - WGS84_E2) * Math.cos(phi)) / (w * w);
};

function edgeIntegral(a, b, lon0) {
  const phiA = rad(a[1]);
  const dPhi = rad(b[1] - a[1]);
  if (dPhi === 0) return 0;
  const lamA = rad(a[0] - lon0);
  const dLam = rad(b[0] - a[0]);
  const pieces = Math.max(1, Math.ceil(Math.abs(dPhi) / MAX_PIECE_RAD));
  let sum = 0;
  for (let piece = 0; piece < pieces; piece++) {
    const start = piece / pieces;
    for (const [node, weight] of GAUSS_LEGENDRE_5) {
      const s = start + node / pieces;
      sum += weight * (lamA + dLam * s) * density(phiA + dPhi * s);
    }
  }
  return (sum * dPhi) / pieces;
}

/** Signed area (m², positive counter-clockwise) of a ring of [lon, lat], closed or not. */
export function ringSignedAreaM2(ring) {
  if (!ring.length) return 0;
  const first = ring[0];
  const last = ring[ring.length - 1];
  const closed = last[0] === first[0] && last[1] === first[1];
  const pts = closed ? ring : [...ring, first];
  let sum = 0;
  for (let i = 0; i + 1 < pts.length; i++) sum += edgeIntegral(pts[i], pts[i + 1], first[0]);
  return sum;
}

/** Area (m²) of a GeoJSON Polygon or MultiPolygon (lon/lat, WGS84): exteriors minus holes. */
export function areaM2(geometry) {
  const polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : [];
  return polygons.reduce((total, rings) => total + rings.reduce((s, ring, i) => {
    const a = Math.abs(ringSignedAreaM2(ring));
    return i === 0 ? s + a : s - a;
  }, 0), 0);
}

/** Geodesic length (m) of a line of [lon, lat] on WGS84. */
export function lengthM(coords) {
  let total = 0;
  for (let i = 0; i + 1 < coords.length; i++) {
    total += geodesic.Geodesic.WGS84.Inverse(coords[i][1], coords[i][0], coords[i + 1][1], coords[i + 1][0]).s12;
  }
  return total;
}

/** Geodesic perimeter (m) of a ring (closed or not). */
export const perimeterM = (ring) => {
  const first = ring[0];
  const last = ring[ring.length - 1];
  return lengthM(first && (last[0] !== first[0] || last[1] !== first[1]) ? [...ring, first] : ring);
};

const grouped = fixed;

/** A length: `856.3 m` below 1 km, else `1.234 km` (and the metres). */
export function fmtLength(m) {
  if (!Number.isFinite(m)) return '—';
  return m < 1000 ? `${grouped(m, 1)} m` : `${grouped(m / 1000, 3)} km`;
}

/**
 * An area as the valuation shows it: `{ m2: '1,234.56 m²', mu: '1.8518 亩', km2 }` (m² to 2
 * decimals, 亩 to 4, km² to 4 from 1 km² on, else null). `muLabel` is the word for 亩.
 */
export function fmtArea(m2, muLabel = '亩') {
  if (!Number.isFinite(m2)) return { m2: '—', mu: '—', km2: null };
  return {
    m2: `${grouped(m2, 2)} m²`,
    mu: `${grouped(m2 * MU_PER_M2, 4)} ${muLabel}`,
    km2: m2 >= 1e6 ? `${grouped(m2 / 1e6, 4)} km²` : null,
  };
}
