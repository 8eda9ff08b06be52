// 溯源采集 › 种养殖主体 (public list; registering needs agriculture staff or an admin): the
// producer register of api/trace/producers. A producer has a unified social credit code
// (checked by the server) or an identifier the platform assigns; its bases are the
// origin-point records that name it. Choosing a producer shows each base with its
// collection threshold weighed together with the others (临政办发〔2023〕19号 五、(二),
// gazette line 2852): a base below the threshold alone is 须采集 when the producer's
// bases of the product together reach it, and the answer's note says so.
//
// For tests: `#trace-producers[data-state]` is `loading | ready | error`, the list
// `#trace-producers-table` (rows `tr[data-producer-id]`), the chosen producer
// `#trace-producer-detail[data-producer-id]` with its bases `#trace-producer-bases`
// (rows `tr[data-mandatory][data-together]`), the form `#trace-producer-form`
// (`.tf[data-field]`, problems `.tf-problem`) and its result `#trace-producer-result`.

import { t } from '../../lib/i18n.js';
import { fetchJson, send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { blankProducer, producerBases, producerBody, producerProblems } from './state.js';

/** The 种养殖主体 tab: `{render, load()}`. */
export function producersTab(ctx) {
  const { state } = ctx;
  const ps = () => state.producers;
  let seq = 0;

  async function load() {
    const n = ++seq;
    Object.assign(ps(), { status: 'loading', message: '' });
    render();
    try {
      const list = await fetchJson('api/trace/producers');
      if (n !== seq) return;
      Object.assign(ps(), { status: 'ready', list });
    } catch (err) {
      if (n !== seq) return;
      Object.assign(ps(), { status: 'error', message: `${t('tr_producers_failed')}：${err.message}` });
    }
    render();
  }

  async function choose(key) {
    ps().selected = key;
    ps().detail = null;
    render();
    try {
      const detail = await fetchJson(`api/trace/producers/${encodeURIComponent(key)}`);
      if (ps().selected !== key) return;
      ps().detail = detail;
    } catch (err) {
      ps().detail = { error: err.message };
    }
    render();
  }

  async function save(form) {
    const values = Object.fromEntries(new FormData(form).entries());
    ps().form = { ...blankProducer(), ...values };
    ps().save = { status: 'saving', problems: {}, message: '' };
    render();
    try {
      const { ok, status, answer, error } = await send('api/trace/producers', {
        method: 'POST', body: JSON.stringify(producerBody(ps().form)), contentType: 'application/json',
      });
      if (ok) {
        ps().save = { status: 'saved', problems: {}, message: t('tr_producer_saved', answer?.properties?.producer_id ?? '') };
        ps().form = blankProducer();
        await load();
        return;
      }
      ps().save = { status: status === 400 ? 'invalid' : 'error', problems: producerProblems(answer), message: error };
    } catch (err) {
      ps().save = { status: 'error', problems: {}, message: err.message };
    }
    render();
  }

  function field(name, label, control) {
    const problem = ps().save.problems[name];
    return el('div', { class: `tf${problem ? ' has-problem' : ''}`, 'data-field': name }, [
      el('label', { for: `tp-${name}` }, label), control,
      problem ? el('p', { class: 'tf-problem', role: 'alert' }, problem) : null,
    ]);
  }

  function formView() {
    if (!ctx.canWrite()) return el('p', { class: 'v-note' }, t('tr_producer_sign_in'));
    const v = ps().form;
    const input = (name, attrs = {}) => el('input', { id: `tp-${name}`, name, value: v[name] ?? '', ...attrs });
    const select = (name, options) => {
      const s = el('select', { id: `tp-${name}`, name }, options.map(([value, label]) => el('option', { value, ...(v[name] === value ? { selected: true } : {}) }, label)));
      return s;
    };
    const opts = ctx.options();
    const form = el('form', { id: 'trace-producer-form', class: 'trace-form', novalidate: true }, [
      el('h4', {}, t('tr_producer_new')),
      field('name', t('tr_producer_name'), input('name', { required: true })),
      field('subject_type', t('tr_producer_type'), select('subject_type', [['', '—'], ...(opts.subject_types ?? []).map((x) => [x, x])])),
      field('uscc', t('tr_producer_uscc'), input('uscc', { placeholder: '91…', maxlength: 18 })),
      field('township', t('tr_producer_township'), select('township', [['', '—'], ...(opts.townships ?? []).map((x) => [x.code, x.name])])),
      field('contact_name', t('tr_producer_contact'), input('contact_name')),
      field('contact_phone', t('tr_producer_phone'), input('contact_phone', { placeholder: '0359-4028132 / 138…' })),
      field('for_market', t('tr_producer_for_market'), select('for_market', [['', t('tr_unstated')], ['yes', t('yes')], ['no', t('no')]])),
      el('button', { type: 'submit', class: 'v-button primary', id: 'trace-producer-save', disabled: ps().save.status === 'saving' }, t('tr_producer_register')),
    ]);
    // What is typed survives a re-render (the list arriving after the form was shown).
    const keep = () => { ps().form = { ...blankProducer(), ...Object.fromEntries(new FormData(form).entries()) }; };
    form.addEventListener('input', keep);
    form.addEventListener('change', keep);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      save(form);
    });
    const s = ps().save;
    const result = s.status === 'idle' || s.status === 'saving' ? null
      : el('p', { id: 'trace-producer-result', class: s.status === 'saved' ? 'ok' : 'warning', role: 'status', 'data-state': s.status }, s.message);
    return el('div', {}, [form, result]);
  }

  function listView() {
    const list = ps().list?.producers ?? [];
    if (!list.length) return el('p', { class: 'v-note' }, t('tr_producers_none'));
    return el('div', { class: 'tr-table-scroll' }, el('table', { class: 'v-table tr-table', id: 'trace-producers-table' }, [
      el('thead', {}, el('tr', {}, [t('tr_producer_id'), t('tr_producer_type'), t('tr_producer_name'), t('tr_producer_bases')].map((h) => el('th', {}, h)))),
      el('tbody', {}, list.map((p) => {
        const props = p.properties ?? {};
        const row = el('tr', { 'data-producer-id': props.producer_id ?? '', class: ps().selected === props.producer_id ? 'selected' : '' }, [
          el('td', {}, el('button', { type: 'button', class: 'link-button' }, props.producer_id ?? '')),
          el('td', {}, props.subject_type ?? ''),
          el('td', {}, props.name ?? t('tr_hidden')),
          el('td', {}, `${p.summary?.bases ?? 0}（${t('tr_pr_mandatory_count', p.summary?.mandatory ?? 0)}）`),
        ]);
        row.querySelector('button').addEventListener('click', () => choose(props.producer_id));
        return row;
      })),
    ]));
  }

  function detailView() {
    const key = ps().selected;
    if (!key) return null;
    const d = ps().detail;
    const box = el('section', { id: 'trace-producer-detail', 'data-producer-id': key });
    if (!d) return (box.replaceChildren(el('p', { class: 'loading' }, t('loading'))), box);
    if (d.error) return (box.replaceChildren(el('p', { class: 'warning', role: 'alert' }, d.error)), box);
    const props = d.properties ?? {};
    const bases = producerBases(d);
    box.replaceChildren(
      el('h4', {}, `${props.producer_id ?? ''} ${props.name ?? ''}`.trim()),
      el('p', { class: 'muted' }, [props.id_kind ?? '', props.township_name ? ` · ${props.township_name}` : '']),
      bases.length
        ? el('table', { class: 'v-table tr-table', id: 'trace-producer-bases' }, [
          el('thead', {}, el('tr', {}, [t('tr_base'), t('product'), t('tr_scale'), t('tr_pr_threshold'), t('tr_completeness')].map((h) => el('th', {}, h)))),
          el('tbody', {}, bases.map((b) => el('tr', { 'data-base-id': String(b.id), 'data-mandatory': String(b.mandatory), 'data-together': String(b.together) }, [
            el('td', {}, `#${b.id}`),
            el('td', {}, b.product),
            el('td', {}, b.scale),
            el('td', {}, [
              el('strong', {}, b.mandatory ? t('tr_mandatory') : t('tr_not_mandatory')), ' ', b.rule,
              b.note ? el('p', { class: 'v-note tr-threshold-note' }, b.note) : null,
              b.basis ? el('p', { class: 'v-note tr-threshold-basis' }, b.basis) : null,
            ]),
            el('td', {}, b.completeness),
          ]))),
        ])
        : el('p', { class: 'v-note' }, t('tr_producer_no_bases')),
    );
    return box;
  }

  function render() {
    const pane = ctx.pane('producers');
    if (!pane || state.tab !== 'producers') return;
    const p = ps();
    pane.dataset.state = p.status === 'idle' ? 'loading' : p.status;
    const parts = [el('p', { class: 'v-note' }, t('tr_producers_intro'))];
    if (p.status === 'loading') parts.push(el('p', { class: 'loading' }, t('loading')));
    if (p.status === 'error') parts.push(el('p', { class: 'warning tr-error', role: 'alert' }, p.message));
    if (p.status === 'ready') parts.push(listView(), detailView());
    parts.push(formView());
    pane.replaceChildren(...parts);
  }

  return { render, load };
}
