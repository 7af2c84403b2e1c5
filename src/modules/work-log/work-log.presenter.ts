import { WORK_LOG_KIND_LABELS } from './work-log.kinds';
import type { WorkLogEntry } from './work-log.model';

type Photo = { slot: number; attachment: string; mime: string; size: number };

/** An entry as it leaves the server (photos are fetched through /api/attachments/:id, audited). */
export function presentWorkLogEntry(e: WorkLogEntry, photos: Photo[] = []) {
  return {
    id: String(e._id),
    key: e.key,
    room: e.room,
    officer: { id: String(e.officer), name: e.officerName },
    kind: e.kind,
    kindLabel: WORK_LOG_KIND_LABELS[e.kind],
    at: e.at.toISOString(),
    place: e.place,
    count: e.count ?? null,
    note: e.note ?? '',
    photos: photos.map((p) => ({ slot: p.slot, id: p.attachment, url: `/api/attachments/${p.attachment}`, mime: p.mime, size: p.size })),
    createdAt: e.createdAt.toISOString(),
  };
}
