// 底图: the template check (GCJ-02 providers refused, the same hosts as the server's
// crates/tiles/src/basemap.rs), the 天地图 presets, the choices and what each draws.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  BASEMAP_PREFIX, GCJ02_HOSTS, TIANDITU_ATTRIBUTION, basemapStyle, checkTemplate, choices, cleanTiandituKey,
  fromUrlParam, gcj02Provider, genericVectorLayers, insertBefore, readSaved, templateHost, tiandituLayers,
} from '../src/tools/basemap/state.js';

const KEY = '0123456789abcdef0123456789abcdef';

test('the GCJ-02 hosts are the server\'s', () => {
  const rust = readFileSync(new URL('../../crates/tiles/src/basemap.rs', import.meta.url), 'utf8');
  const block = rust.slice(rust.indexOf('pub const GCJ02_HOSTS'), rust.indexOf('];', rust.indexOf('pub const GCJ02_HOSTS')));
  const server = [...block.matchAll(/\("([^"]+)", "([^"]+)"\)/g)].map((m) => [m[1], m[2]]);
  assert.ok(server.length >= 8);
  assert.deepEqual(GCJ02_HOSTS, server);
});

test('GCJ-02 providers are refused by host', () => {
  for (const url of [
    'https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}',
    'http://wprd04.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=6',
    'https://webst02.is.AUTONAVI.com/appmaptile?style=6&x={x}&y={y}&z={z}',
    'https://rt0.map.gtimg.com/realtimerender?z={z}&x={x}&y={y}&type=vector&style=0',
    'https://map.qq.com/tiles/{z}/{x}/{y}.png',
    'https://maponline0.bdimg.com/tile/?qt=vtile&x={x}&y={y}&z={z}',
    'https://api.map.baidu.com/tiles/{z}/{x}/{y}',
    'https://mt1.google.cn/vt/lyrs=m&x={x}&y={y}&z={z}',
    'https://user:pw@wprd01.is.autonavi.com:443/appmaptile?x={x}&y={y}&z={z}',
  ]) {
    const r = checkTemplate(url);
    assert.equal(r?.problem, 'gcj02', url);
    assert.ok(r.provider.length > 0);
  }
  assert.match(gcj02Provider('https://webrd01.is.autonavi.com/x'), /高德/);
  assert.match(gcj02Provider('https://rt0.map.gtimg.com/x'), /腾讯/);
  assert.match(gcj02Provider('https://online1.map.bdimg.com/x'), /百度/);
});

test('WGS84 templates and lookalike hosts pass', () => {
  for (const url of [
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
    'http://192.168.1.10:8080/tiles/{z}/{x}/{y}.png',
    'https://notqq.com/{z}/{x}/{y}.png',
    'https://example.com/amap.com/{z}/{x}/{y}.png',
    'https://ecn.t0.tiles.virtualearth.net/tiles/a{quadkey}.jpeg',
    ...tiandituLayers('tianditu-vec', KEY).flat(),
    ...tiandituLayers('tianditu-img', KEY).flat(),
  ]) assert.equal(checkTemplate(url), null, url);
  assert.equal(checkTemplate('file:///etc/passwd').problem, 'not_http');
  assert.equal(checkTemplate('tiles/{z}/{x}/{y}.png').problem, 'not_http');
  assert.equal(checkTemplate('https://tile.example.org/{z}/{x}.png').problem, 'no_placeholders');
  assert.equal(templateHost('https://[::1]:8080/{z}'), '::1');
});

test('天地图 presets: the map and its annotation over t0–t7, with the key', () => {
  const vec = tiandituLayers('tianditu-vec', KEY);
  assert.equal(vec.length, 2);
  assert.equal(vec[0].length, 8);
  assert.ok(vec[0][3].startsWith('https://t3.tianditu.gov.cn/vec_w/wmts?'));
  assert.ok(vec[0][0].includes('LAYER=vec&') && vec[1][0].includes('LAYER=cva&'));
  assert.ok(vec[1][0].endsWith(`&tk=${KEY}`));
  const img = tiandituLayers('tianditu-img', KEY);
  assert.ok(img[0][0].includes('/img_w/') && img[1][0].includes('/cia_w/'));
  assert.ok(tiandituLayers('tianditu-vec', 'a&b=c')[0][0].endsWith('&tk=abc'));
  assert.equal(cleanTiandituKey(` ${KEY} `), KEY);
  assert.equal(cleanTiandituKey('short'), null);
  assert.equal(cleanTiandituKey(`${KEY}&x`), null);
});

const SERVER = [
  { id: 'county', title: '临猗县底图', kind: 'raster', source: 'archive', attribution: '© 县局',
    tilejson: 'http://h/basemaps/county.json' },
  { id: 'roads', title: 'Roads', kind: 'vector', source: 'archive', attribution: '', tilejson: 'http://h/basemaps/roads.json' },
  { id: 'tianditu-vec', title: '天地图矢量', kind: 'raster', source: 'template', attribution: TIANDITU_ATTRIBUTION,
    layers: tiandituLayers('tianditu-vec', KEY), minzoom: 1, maxzoom: 18 },
];

test('choices: none, the server\'s, the presets it does not offer, custom', () => {
  assert.deepEqual(choices([]).map((c) => c.id), ['none', 'tianditu-vec', 'tianditu-img', 'custom']);
  assert.deepEqual(choices(SERVER).map((c) => c.id), ['none', 'county', 'roads', 'tianditu-vec', 'tianditu-img', 'custom']);
  assert.equal(choices(SERVER)[3].source, 'template', 'the server\'s 天地图 (its own key) replaces the preset');
});

test('what each choice draws', () => {
  const all = choices(SERVER);
  const pick = (id) => all.find((c) => c.id === id);
  assert.deepEqual(basemapStyle(pick('none')), { sources: {}, layers: [] });

  const county = basemapStyle(pick('county'));
  assert.deepEqual(county.sources['basemap:county'], { type: 'raster', url: 'http://h/basemaps/county.json', tileSize: 256, attribution: '© 县局' });
  assert.deepEqual(county.layers, [{ id: 'basemap:county', type: 'raster', source: 'basemap:county' }]);

  const roads = basemapStyle(pick('roads'), {}, [{ id: 'roads' }, { id: 'water' }]);
  assert.equal(roads.sources['basemap:roads'].type, 'vector');
  assert.deepEqual(roads.layers.map((l) => l.id), [
    'basemap:roads:roads:fill', 'basemap:roads:roads:line', 'basemap:roads:roads:circle',
    'basemap:roads:water:fill', 'basemap:roads:water:line', 'basemap:roads:water:circle',
  ]);
  assert.ok(roads.layers.every((l) => l.source === 'basemap:roads'));
  assert.notEqual(roads.layers[0].paint['fill-color'], roads.layers[3].paint['fill-color']);

  const server = basemapStyle(pick('tianditu-vec'));
  assert.deepEqual(server.layers.map((l) => l.id), ['basemap:0', 'basemap:1']);
  assert.equal(server.sources['basemap:0'].attribution, TIANDITU_ATTRIBUTION);

  const preset = basemapStyle(pick('tianditu-img'), { tiandituKey: KEY });
  assert.ok(preset.sources['basemap:0'].tiles[0].includes('/img_w/'));
  assert.ok(preset.sources['basemap:1'].tiles[0].includes('/cia_w/'));
  assert.deepEqual(basemapStyle(pick('tianditu-img'), { tiandituKey: '' }).error, { problem: 'tianditu_key' });

  const custom = basemapStyle(pick('custom'), { customUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' });
  assert.deepEqual(custom.sources['basemap:0'].tiles, ['https://tile.openstreetmap.org/{z}/{x}/{y}.png']);
  assert.equal(custom.sources['basemap:0'].attribution, '© tile.openstreetmap.org');
  const amap = basemapStyle(pick('custom'), { customUrl: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}' });
  assert.equal(amap.error.problem, 'gcj02');
  assert.ok(!('sources' in amap));
});

test('the base map goes under every data layer, above the background', () => {
  assert.equal(insertBefore(['background', 'county_boundaries:fill', 'x:line']), 'county_boundaries:fill');
  assert.equal(insertBefore(['background', `${BASEMAP_PREFIX}0`, 'county_boundaries:fill']), 'county_boundaries:fill');
  assert.equal(insertBefore(['background']), undefined);
});

test('saved settings and ?basemap=', () => {
  assert.deepEqual(readSaved(null), { choice: 'none', tiandituKey: '', customUrl: '' });
  assert.deepEqual(readSaved('{bad'), { choice: 'none', tiandituKey: '', customUrl: '' });
  assert.deepEqual(readSaved(JSON.stringify({ choice: 'tianditu-vec', tiandituKey: KEY, customUrl: 5 })),
    { choice: 'tianditu-vec', tiandituKey: KEY, customUrl: '' });
  assert.equal(fromUrlParam(''), null);
  assert.deepEqual(fromUrlParam('county'), { choice: 'county' });
  assert.deepEqual(fromUrlParam('https://t/{z}/{x}/{y}.png'), { choice: 'custom', customUrl: 'https://t/{z}/{x}/{y}.png' });
});

test('generic vector style: one fill, line and circle per source layer', () => {
  const layers = genericVectorLayers([{ id: 'a' }], 'basemap:v');
  assert.deepEqual(layers.map((l) => [l.type, l['source-layer']]), [['fill', 'a'], ['line', 'a'], ['circle', 'a']]);
  assert.deepEqual(genericVectorLayers(undefined, 'x'), []);
});
