// UI strings in Simplified Chinese (default) and English, and the language switch.
//
// `t(key)` gives a UI string, `tv(value)` an English rendering of a Chinese data
// value (product, facility kind, status...) when the page is in English, and
// `translatePage()` fills every element that has `data-i18n="key"`.

const STRINGS = {
  zh: {
    app_title: '临猗县土地与溯源一张图',
    app_subtitle: 'landtrace',
    lang_toggle: 'EN',
    lang_toggle_label: 'Switch to English',
    layers: '图层',
    layers_toggle_label: '显示或隐藏图层列表',
    notice: '示例数据，仅供演示，不作为决策依据',
    badge_illustrative: '示例数据',
    badge_approximate: '大致精度',
    info_title: '此处信息',
    info_hint: '点击地图任意位置，查看该处所在的区域、基准地价和适用规定。',
    loading: '查询中…',
    no_hits: '此处不在任何已入库的区域内。',
    close: '关闭',
    locate_failed: '查询失败',
    tiles_failed: '无法加载地图瓦片',
    coords: '坐标（WGS84）',
    points_here: '此处标注点',
    grade: '级别',
    land_use: '用途',
    yuan_per_m2: '元/m²',
    wan_yuan_per_mu: '万元/亩',
    prices_urban: '城区基准地价',
    prices_collective: '集体建设用地基准地价',
    price_basis: '依据',
    document: '文件',
    approval: '批准',
    in_force: '施行日期',
    issued: '发布日期',
    ban_hours: '禁行时间',
    every_day: '每日',
    banned: '禁行车辆',
    not_restricted: '不受限制',
    exempt: '不受限制的车辆',
    penalty: '处罚',
    rule_summary: '规定摘要',
    project: '项目',
    decision_no: '征收决定',
    decision_date: '决定日期',
    department: '征收部门',
    implementer: '征收实施单位',
    authority: '征收主体',
    sides: '四至',
    east: '东至',
    west: '西至',
    north: '北至',
    south: '南至',
    source: '来源',
    clause: '条款',
    legend_prices_title: '基准地价表（临政发〔2023〕8号）',
    legend_truck_ban: '每日 06:00-22:00 重中型货车禁行（临政发〔2023〕5号）',
    legend_expropriation: '临政发〔2023〕10号、11号，决定日期 2023-06-29',
    legend_clusters: '缩小时按数量聚合显示，放大后按产品着色',
    legend_townships: '乡镇驻地（大致位置）',
    legend_linyi: '临猗县',
    legend_neighbours: '周边县（市、区）',
    zoom_in_cluster: '放大查看',
    grade_n: (n) => ['', '一级', '二级', '三级', '四级'][n] || `${n}级`,
    clinic_star: '星级创建',
    clinic_fix: '整改',
  },
  en: {
    app_title: 'Linyi County land & traceability map',
    app_subtitle: 'landtrace',
    lang_toggle: '中文',
    lang_toggle_label: '切换到中文',
    layers: 'Layers',
    layers_toggle_label: 'Show or hide the layer list',
    notice: 'Illustrative demo data, not for decisions',
    badge_illustrative: 'Illustrative',
    badge_approximate: 'Approximate',
    info_title: 'What applies here',
    info_hint: 'Click anywhere on the map to see the zones, benchmark prices and rules that apply there.',
    loading: 'Looking up…',
    no_hits: 'This point is in no stored zone.',
    close: 'Close',
    locate_failed: 'Lookup failed',
    tiles_failed: 'Could not load the map tiles',
    coords: 'Coordinates (WGS84)',
    points_here: 'Points here',
    grade: 'Grade',
    land_use: 'Land use',
    yuan_per_m2: 'yuan/m²',
    wan_yuan_per_mu: '10k yuan/mu',
    prices_urban: 'Urban benchmark land prices',
    prices_collective: 'Collective construction-land benchmark prices',
    price_basis: 'Basis',
    document: 'Document',
    approval: 'Approval',
    in_force: 'In force from',
    issued: 'Issued',
    ban_hours: 'Ban hours',
    every_day: 'every day',
    banned: 'Banned',
    not_restricted: 'Not restricted',
    exempt: 'Exempt vehicles',
    penalty: 'Penalty',
    rule_summary: 'Rule summary',
    project: 'Project',
    decision_no: 'Decision',
    decision_date: 'Decision date',
    department: 'Expropriation department',
    implementer: 'Implementing unit',
    authority: 'Authority',
    sides: 'Boundaries (四至)',
    east: 'East',
    west: 'West',
    north: 'North',
    south: 'South',
    source: 'Source',
    clause: 'Clause',
    legend_prices_title: 'Benchmark prices (临政发〔2023〕8号)',
    legend_truck_ban: 'Heavy and medium trucks banned 06:00-22:00 every day (临政发〔2023〕5号)',
    legend_expropriation: '临政发〔2023〕10号 and 11号, decided 2023-06-29',
    legend_clusters: 'Clustered by count when zoomed out, coloured by product when zoomed in',
    legend_townships: 'Township seats (approximate)',
    legend_linyi: 'Linyi County',
    legend_neighbours: 'Neighbouring counties',
    zoom_in_cluster: 'Zoom in',
    grade_n: (n) => `Grade ${n}`,
    clinic_star: 'star-level programme',
    clinic_fix: 'to be fixed',
  },
};

/** Layer titles, as in crates/domain/src/layers.rs. */
export const LAYER_TITLES = {
  county_boundaries: ['县级行政区划', 'County boundaries'],
  townships: ['乡镇', 'Townships'],
  urban_grade_zones: ['城区土地级别', 'Urban land-grade zones'],
  collective_grade_zones: ['集体建设用地级别', 'Collective construction-land grade zones'],
  truck_ban_zone: ['货车禁行区域', 'Truck-ban zone'],
  expropriation_areas: ['房屋征收范围', 'Expropriation areas'],
  consolidation_projects: ['土地整治项目', 'Land-consolidation projects'],
  sponge_facilities: ['海绵城市设施', 'Sponge-city facilities'],
  waterlogging_points: ['易涝积水点', 'Waterlogging points'],
  origin_points: ['重点农产品产地溯源点', 'Farm-product origin points'],
  village_clinics: ['村卫生室', 'Village clinics'],
  freight_sources: ['重点货运源头企业', 'Key freight-source enterprises'],
};

/** Property names shown in the info panel: [中文, English]. */
const FIELDS = {
  name: ['名称', 'Name'],
  adcode: ['行政区划代码', 'Division code'],
  level: ['层级', 'Level'],
  code: ['代码', 'Code'],
  grade: ['级别', 'Grade'],
  hours: ['禁行时间', 'Ban hours'],
  document: ['文件', 'Document'],
  in_force: ['施行日期', 'In force from'],
  project: ['项目', 'Project'],
  decision_no: ['征收决定', 'Decision'],
  decision_date: ['决定日期', 'Decision date'],
  project_type: ['项目类型', 'Project type'],
  status: ['状态', 'Status'],
  accepted_on: ['验收日期', 'Accepted on'],
  kind: ['设施类型', 'Kind'],
  responsible_unit: ['责任单位', 'Responsible unit'],
  area_m2: ['面积（m²）', 'Area (m²)'],
  volume_m3: ['容积（m³）', 'Volume (m³)'],
  subject_name: ['主体名称', 'Subject'],
  subject_type: ['主体类型', 'Subject type'],
  industry: ['行业', 'Industry'],
  product: ['产品', 'Product'],
  alias: ['别名', 'Alias'],
  certification: ['认证类型', 'Certification'],
  base_address: ['基地地址', 'Base address'],
  township_code: ['乡镇代码', 'Township code'],
  village_code: ['村代码', 'Village code'],
  scale: ['规模', 'Scale'],
  scale_unit: ['规模单位', 'Scale unit'],
  market_date: ['上市日期', 'Market date'],
  production_mode: ['生产方式', 'Production mode'],
  trace_means: ['追溯方式', 'Traceability means'],
  credit_rating: ['信用等级', 'Credit rating'],
  programme: ['类别', 'Programme'],
  note: ['备注', 'Note'],
  category: ['类别', 'Category'],
  east: ['东至', 'East'],
  west: ['西至', 'West'],
  north: ['北至', 'North'],
  south: ['南至', 'South'],
  accuracy: ['精度', 'Accuracy'],
};

/** English renderings of Chinese data values (products, kinds, statuses...). */
const VALUES_EN = {
  豇豆: 'cowpea', 韭菜: 'Chinese chive', 芹菜: 'celery', 鸡蛋: 'eggs', 乌鸡: 'black-bone chicken',
  肉牛: 'beef cattle', 肉羊: 'mutton sheep', 大口黑鲈: 'largemouth bass', 乌鳢: 'snakehead',
  鳊鱼: 'bream', 大黄鱼: 'large yellow croaker', 生猪: 'live pigs', 其他: 'other',
  透水铺装: 'permeable paving', 下沉式绿地: 'sunken green space',
  '雨水花园/生物滞留设施': 'rain garden / bioretention', 植草沟: 'grass swale', 旱溪: 'dry creek',
  '雨水塘/湿塘': 'rain pond / wet pond', 调蓄池: 'storage tank', 合流制溢流调蓄池: 'CSO storage tank',
  排水管网: 'drainage network', 泄洪通道: 'flood channel',
  规划: 'planned', 在建: 'under construction', 建成: 'built',
  待治理: 'to be fixed', 治理中: 'being fixed', 已消除: 'eliminated',
  立项: 'approved', 实施中: 'in progress', 已验收: 'accepted',
  增减挂钩: 'urban-rural land linkage', 土地整治: 'land consolidation',
  星级创建: 'star-level programme', 整改: 'to be fixed',
  企业: 'enterprise', 农民合作社: "farmers' cooperative", 家庭农场: 'family farm',
  种养殖户: 'farming household', 农村经纪人: 'rural broker',
  种植业: 'planting', 畜牧业: 'livestock', 渔业: 'fishery', 露地: 'open field', 设施: 'protected',
  商服: 'commercial', 住宅: 'residential', 公共管理与公共服务: 'public service', 工业: 'industrial',
  宅基地: 'homestead', 城区: 'urban', 集体建设用地: 'collective construction land',
  illustrative: 'illustrative', approximate: 'approximate', official: 'official', surveyed: 'surveyed',
};
const VALUES_ZH = { illustrative: '示例（虚构）', approximate: '大致', official: '官方', surveyed: '实测', county: '县级' };

const STORAGE_KEY = 'landtrace.lang';
let lang = initialLang();
const listeners = [];

function initialLang() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl;
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    // storage may be disabled; Chinese is the default
  }
  return 'zh';
}

export const getLang = () => lang;

export function setLang(next) {
  if (next === lang) return;
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted; fine
  }
  translatePage();
  listeners.forEach((fn) => fn(lang));
}

export const onLangChange = (fn) => listeners.push(fn);

/** A UI string (or a function of one argument for `grade_n`). */
export function t(key, arg) {
  const s = STRINGS[lang][key] ?? STRINGS.zh[key] ?? key;
  return typeof s === 'function' ? s(arg) : s;
}

/** A data value in the page language (Chinese data values stay Chinese in zh). */
export function tv(value) {
  if (typeof value !== 'string') return String(value);
  if (lang === 'en') return VALUES_EN[value] ?? value;
  return VALUES_ZH[value] ?? value;
}

export const layerTitle = (table) => (LAYER_TITLES[table] ?? [table, table])[lang === 'en' ? 1 : 0];
export const fieldLabel = (name) => (FIELDS[name] ?? [name, name])[lang === 'en' ? 1 : 0];

export function translatePage() {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  document.title = `${t('app_title')} · landtrace`;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nLabel));
    el.title = t(el.dataset.i18nLabel);
  }
}
