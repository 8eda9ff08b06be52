// Text on the map without glyphs: township seat names and cluster counts are HTML
// markers (MapLibre symbol text would need a glyph server, and the page makes no
// external requests).

import { Marker } from 'maplibre-gl';
import { CLUSTER_SOURCE, CLUSTER_UNTIL_ZOOM } from './map-style.js';
import { el } from './ui/dom.js';

/** Township seat labels; returns `show(visible)`. */
export function townshipLabels(map, townships) {
  const markers = townships.features.map((f) => {
    const node = el('div', { class: 'township-label', title: '乡镇驻地（大致位置）' }, [
      el('span', { class: 'township-dot' }), el('span', { class: 'township-name' }, f.properties.name),
    ]);
    return new Marker({ element: node, anchor: 'left', offset: [-4, 0] })
      .setLngLat(f.geometry.coordinates).addTo(map);
  });
  return (visible) => markers.forEach((m) => { m.getElement().style.display = visible ? '' : 'none'; });
}

/** Keeps a count label on each rendered origin-point cluster; returns `show(visible)`. */
export function clusterCounts(map) {
  const markers = new Map();
  let visible = true;
  const update = () => {
    const want = new Map();
    if (visible && map.getZoom() < CLUSTER_UNTIL_ZOOM && map.isSourceLoaded(CLUSTER_SOURCE)) {
      for (const f of map.querySourceFeatures(CLUSTER_SOURCE)) {
        if (f.properties.cluster) want.set(f.properties.cluster_id, f);
      }
    }
    for (const [id, m] of markers) {
      if (!want.has(id)) { m.remove(); markers.delete(id); }
    }
    for (const [id, f] of want) {
      if (markers.has(id)) continue;
      const node = el('div', { class: 'cluster-count' }, f.properties.point_count_abbreviated ?? f.properties.point_count);
      markers.set(id, new Marker({ element: node }).setLngLat(f.geometry.coordinates).addTo(map));
    }
  };
  map.on('render', update);
  return (v) => { visible = v; update(); };
}

/** Name labels of areas (`{properties: {name}, coordinates}`), shown from `minZoom` on; returns `show(visible)`. */
export function areaLabels(map, anchors, minZoom, className) {
  let visible = true;
  const markers = anchors.filter((a) => a.properties.name).map((a) => new Marker({
    element: el('div', { class: `area-label ${className}` }, a.properties.name),
  }).setLngLat(a.coordinates).addTo(map));
  const update = () => {
    const on = visible && map.getZoom() >= minZoom;
    markers.forEach((m) => { m.getElement().style.display = on ? '' : 'none'; });
  };
  map.on('zoom', update);
  update();
  return (v) => { visible = v; update(); };
}
