// 溯源采集 › 批量导入: a CSV of the collection form (encoding 自动/UTF-8/GBK), 先检查 (a dry
// run) or 导入; the rows with their threshold flags, or each rejected row's line, field
// and problem (nothing stored). `ctx` is the tool's shared part (view.js).

import { colon, fieldLabel, isEn, labelled, t } from '../../lib/i18n.js';
import { send } from '../../ui/api.js';
import { el } from '../../ui/dom.js';
import { downloadCsv, fileButton } from '../../ui/panel.js';
import { TEMPLATE_HEADERS, blankImport, fieldLabelText, importOutcome, importPath } from './state.js';

/** The 批量导入 tab: `{render}`. */
export function importTab(ctx) {
  const { state, requests } = ctx;
  const { canWrite, changed } = ctx;

  async function runImport(dryRun) {
    const imp = state.imp;
    if (!imp.file || !canWrite()) return;
    const mine = ++requests.imp;
    Object.assign(imp, { status: 'loading', report: null, rejected: null, message: '', dryRun });
    renderImportTab();
    try {
      const bytes = await imp.file.arrayBuffer();
      const answer = await send(importPath(imp.encoding, dryRun), { method: 'POST', body: bytes, contentType: 'text/csv' });
      if (mine !== requests.imp) return;
      Object.assign(imp, importOutcome(answer));
      if (imp.status === 'imported') changed();
    } catch (err) {
      if (mine !== requests.imp) return;
      Object.assign(imp, { status: 'error', message: labelled('tr_import_failed', err.message) });
    }
    renderImportTab();
  }

  function renderImportTab() {
    const pane = ctx.pane('import');
    if (!pane || state.tab !== 'import') return;
    if (!canWrite()) return ctx.needSignIn(pane, 'import');
    const imp = state.imp;
    pane.dataset.state = imp.status;
    const file = fileButton({ id: 'trace-import-file', accept: '.csv,.txt,text/csv', label: t('tr_choose_file'), onFile: (chosen) => {
      if (!chosen) return;
      ++requests.imp;
      Object.assign(imp, blankImport(), { file: chosen });
      renderImportTab();
    } });
    const encoding = el('select', { id: 'trace-import-encoding' }, [
      el('option', { value: 'auto' }, t('tr_enc_auto')), el('option', { value: 'utf-8' }, 'UTF-8'), el('option', { value: 'gbk' }, 'GBK'),
    ]);
    encoding.value = imp.encoding;
    encoding.addEventListener('change', () => {
      imp.encoding = encoding.value;
      if (['checked', 'invalid', 'error'].includes(imp.status)) runImport(true);
    });
    const busy = imp.status === 'loading';
    const check = el('button', { type: 'button', id: 'trace-import-check', class: 'v-button', disabled: !imp.file || busy }, t('tr_import_check'));
    const run = el('button', { type: 'button', id: 'trace-import-run', class: 'v-button primary', disabled: !imp.file || busy }, t('tr_import_run'));
    check.addEventListener('click', () => runImport(true));
    run.addEventListener('click', () => runImport(false));
    const template = el('a', { class: 'tr-template', id: 'trace-import-template', href: '#' }, t('tr_template'));
    template.addEventListener('click', (e) => {
      e.preventDefault();
      downloadCsv('重点农产品产地溯源信息采集表.csv', [TEMPLATE_HEADERS]);
    });
    const parts = [
      el('p', { class: 'v-note' }, t('tr_import_hint')),
      el('div', { class: 'v-upload' }, [
        ...file,
        el('span', { class: 'v-file-name', id: 'trace-import-file-name' }, imp.file?.name ?? t('tr_no_file')),
      ]),
      el('div', { class: 'v-params' }, [el('label', { for: 'trace-import-encoding' }, t('tr_encoding')), encoding]),
      el('div', { class: 'v-actions' }, [check, run]),
      el('p', { class: 'v-small' }, template),
    ];
    const result = el('div', { class: 'v-result', 'aria-live': 'polite' });
    if (busy) result.append(el('p', { class: 'loading' }, imp.dryRun ? t('tr_checking') : t('tr_importing')));
    if (imp.status === 'error') result.append(el('p', { class: 'warning tr-error', role: 'alert' }, imp.message));
    if (imp.status === 'invalid') result.append(...rejectedView(imp.rejected));
    if ((imp.status === 'checked' || imp.status === 'imported') && imp.report) result.append(...reportView(imp.report));
    pane.replaceChildren(...parts, result);
  }

  function reportView(r) {
    const imported = !r.dry_run;
    const summary = imported ? t('tr_imported', r) : t('tr_checked', r);
    return [
      el('p', { class: imported ? 'tr-ok' : 'tr-checked', id: 'trace-import-summary', role: 'status' }, [
        el('strong', {}, summary), r.not_mandatory ? ` ${t('tr_not_mandatory_rows', r.not_mandatory)}` : null,
        el('span', { class: 'muted' }, ` · ${t('tr_encoding_used')}${colon()}${r.encoding}`),
      ]),
      imported ? null : el('p', { class: 'v-note' }, t('tr_checked_next')),
      el('table', { class: 'price-table v-table tr-table', id: 'trace-import-rows' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_line')), r.rows.some((x) => x.id != null) ? el('th', {}, 'ID') : null,
          el('th', {}, fieldLabel('subject_name')), el('th', {}, t('tr_threshold')), el('th', {}, t('tr_notes'))])),
        el('tbody', {}, r.rows.map((row) => el('tr', { 'data-line': String(row.line), 'data-mandatory': String(row.threshold?.mandatory) }, [
          el('td', {}, String(row.line)),
          r.rows.some((x) => x.id != null) ? el('td', {}, row.id != null ? String(row.id) : '') : null,
          el('th', {}, row.subject_name),
          el('td', { class: 'tr-flag' }, row.threshold?.mandatory === false
            ? el('span', { class: 'threshold-badge not-mandatory', title: row.threshold.rule }, t('tr_not_mandatory_short'))
            : el('span', { class: 'threshold-badge mandatory' }, t('tr_mandatory_short'))),
          el('td', { class: 'tr-notes-cell' }, [
            row.threshold?.mandatory === false ? el('span', { class: 'num-sub' }, isEn() ? row.threshold.rule_en : row.threshold.rule) : null,
            ...(row.notes ?? []).map((n) => el('span', { class: 'num-sub' }, n)),
          ]),
        ]))),
      ]),
    ];
  }

  function rejectedView(r) {
    const rows = r?.rows ?? [];
    const lines = rows.flatMap((row) => row.problems.map((p, i) => el('tr', { 'data-line': String(row.line), 'data-field': p.field }, [
      i === 0 ? el('td', { rowspan: row.problems.length }, String(row.line)) : null,
      el('th', {}, [fieldLabelText(p.field), el('span', { class: 'num-sub' }, p.field)]),
      el('td', { class: 'v-error' }, p.message),
    ])));
    return [
      el('p', { class: 'v-warning tr-invalid', role: 'alert', id: 'trace-import-summary' },
        t('tr_import_rejected', { bad: rows.length, checked: r?.checked ?? '?' })),
      el('table', { class: 'price-table v-table tr-table', id: 'trace-import-problems' }, [
        el('thead', {}, el('tr', {}, [el('th', {}, t('tr_line')), el('th', {}, t('tr_field')), el('th', {}, t('tr_problem'))])),
        el('tbody', {}, lines),
      ]),
      r?.encoding ? el('p', { class: 'v-note' }, `${t('tr_encoding_used')}${colon()}${r.encoding}`) : null,
    ];
  }

  return { render: renderImportTab };
}
