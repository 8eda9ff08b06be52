// The weekly ledger edited before export: the default week, and the body of
// POST api/trace/ledger/export (title, period and each township's narrative columns,
// 典型做法、存在问题、工作建议、下一步推进措施). Pure.

import { isoWeekOf, shiftWeek } from '../../lib/iso-week.js';

export const LEDGER_EXPORT_PATH = 'api/trace/ledger/export';

/** The narrative columns, in the order of 附件3 (keys of the server's `notes`). */
export const NOTE_KEYS = ['practices', 'problems', 'suggestions', 'next_steps'];

/**
 * The week the ledger opens on: the last complete ISO week before today, the one
 * reported on the coming (or this) Tuesday (临政办发〔2023〕19号: reported every Tuesday
 * for the week before; the server's `report_due` is the Tuesday after the week). On
 * Sunday the current week is not complete yet, so it is the week before too.
 */
export const defaultLedgerWeek = (today) => shiftWeek(isoWeekOf(today), -1);

/** Empty edits: `{title, period, notes: {code: {practices, …}}}`. */
export const emptyEdits = () => ({ title: '', period: '', notes: {} });

/** Sets one narrative cell of the edits (`code` a township code or `county`). */
export function setNote(edits, code, key, text) {
  if (!NOTE_KEYS.includes(key)) return edits;
  edits.notes[code] = { ...(edits.notes[code] ?? {}), [key]: text };
  return edits;
}

/**
 * The export body for `week`: title and period trimmed (empty: the server's own), and
 * only the townships with some text, with the codes of the ledger shown (`codes`).
 */
export function ledgerExportBody(week, edits, codes) {
  const notes = {};
  for (const [code, n] of Object.entries(edits?.notes ?? {})) {
    if (code !== 'county' && !codes.includes(code)) continue;
    const kept = Object.fromEntries(NOTE_KEYS.map((k) => [k, String(n?.[k] ?? '').trim()]).filter(([, v]) => v));
    if (Object.keys(kept).length) notes[code] = kept;
  }
  return { week, title: String(edits?.title ?? '').trim(), period: String(edits?.period ?? '').trim(), notes };
}
