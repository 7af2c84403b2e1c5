import type { OutboundReply } from './messages';
import type { OutboxMessage } from '../outbox';

export function presentReply(r: OutboundReply) {
  return r.options?.length ? { text: r.text, options: r.options.map((o) => ({ label: o.label, value: o.value })) } : { text: r.text };
}

export function presentFeedMessage(m: OutboxMessage) {
  return {
    id: m._id.toHexString(),
    text: m.text,
    options: (m.options ?? []).map((o) => ({ label: o.label, value: o.value })),
    purpose: m.purpose,
    at: m.createdAt.toISOString(),
  };
}
