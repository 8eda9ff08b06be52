// GCJ-02 ("Mars coordinates", the datum of Chinese web maps) ↔ WGS84, as the server
// converts them (crates/spatial/src/gcj02.rs): the public formula with the Krasovsky
// constants, the identity outside China's bounding box, and the inverse by fixed-point
// iteration until the forward transform reproduces the input within 1e-9°.
//
// The page needs it only to draw what the user typed or uploaded in GCJ-02 (a record's
// position, a GPS track) before or besides the server's answer; every check is done on
// the server. tests/browser/client-rules.test.mjs compares gcjToWgs with the point the
// server returns for `api/locate?crs=gcj02`.

const A = 6378245.0;
const EE = 0.00669342162296594323;
const INVERSE_TOLERANCE_DEG = 1e-9;
const INVERSE_MAX_ITERATIONS = 20;

/** Whether the formula leaves a position untouched (outside 72.004–137.8347 E, 0.8293–55.8271 N). */
export const outsideChina = (lon, lat) => !(lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);

function shiftLat(x, y) {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320.0 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function shiftLon(x, y) {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** WGS84 `[lon, lat]` → GCJ-02 `[lon, lat]` (a shift of about 100–700 m inside China). */
export function wgsToGcj([lon, lat]) {
  if (outsideChina(lon, lat)) return [lon, lat];
  const x = lon - 105.0;
  const y = lat - 35.0;
  const radLat = (lat / 180.0) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1.0 - EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (shiftLat(x, y) * 180.0) / (((A * (1.0 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLon = (shiftLon(x, y) * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 `[lon, lat]` → the WGS84 `[lon, lat]` whose GCJ-02 image it is. */
export function gcjToWgs([lon, lat]) {
  if (outsideChina(lon, lat)) return [lon, lat];
  let [wLon, wLat] = [lon, lat];
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const [fLon, fLat] = wgsToGcj([wLon, wLat]);
    const [dLon, dLat] = [fLon - lon, fLat - lat];
    if (Math.abs(dLon) <= INVERSE_TOLERANCE_DEG && Math.abs(dLat) <= INVERSE_TOLERANCE_DEG) break;
    wLon -= dLon;
    wLat -= dLat;
  }
  return [wLon, wLat];
}

/** `[lon, lat]` in `crs` (`wgs84` | `gcj02`) → WGS84. */
export const toWgs84 = (crs, c) => (crs === 'gcj02' ? gcjToWgs(c) : [c[0], c[1]]);
