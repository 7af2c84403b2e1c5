import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import type { EmergencyInfo } from '../../understanding/types';
import { createItem } from '../items';
import { claimEmergencyWindow, recordEmergencyItem, releaseEmergencyWindow } from './emergency-window';
import { originOf } from './flows/common';
import { appendResidentMessage, loadItem } from './item-thread';
import type { InboundMessage, OutboundReply } from './messages';
import * as say from './replies';

/**
 * The answer to an emergency (step 1 of the conversation core, before anything else is read):
 * the numbers to call at once, and a flagged item for the room's officers. A repeat within
 * EMERGENCY_REPEAT_MINUTES joins the first message's item (emergency-window.ts); the numbers
 * reach the resident even when the database does not answer.
 */
export async function handleEmergency(
  msg: InboundMessage,
  emergency: EmergencyInfo,
  roomCode: string | null,
  config: Pick<Config, 'EMERGENCY_REPEAT_MINUTES' | 'CLAIM_LEASE_MINUTES' | 'SLA_MINUTES'>,
  now: Date,
  log: Logger,
): Promise<{ replies: OutboundReply[]; room: string | null; route: 'emergency'; itemCode?: string }> {
  let code: string | null = null;
  if (roomCode) {
    // A repeat from the same conversation (or, on the web, the same client address and the same
    // kind of emergency) within the window joins the first message's item: the officers are paged
    // once, the item gathers the repeats. By address only within a kind: many residents can share
    // one address (a carrier's NAT, a building's Wi-Fi), and a fire next to a reported fraud is
    // another emergency, paged as such. Never by a loopback or private address: that is a proxy
    // whose hop is not trusted (TRUST_PROXY_HOPS) or a local network, everyone's address at once.
    const byAddress = msg.clientKey && !msg.addressShared ? [`${msg.channel}-addr:${msg.clientKey}:${emergency.kind}`] : [];
    const keys = [`${msg.channel}:${msg.conversationId}`, ...byAddress];
    let claim: Awaited<ReturnType<typeof claimEmergencyWindow>> | null = null;
    try {
      claim = await claimEmergencyWindow(roomCode, keys, now, config.EMERGENCY_REPEAT_MINUTES);
      if (!claim.won && claim.item) {
        const item = await loadItem(claim.item);
        if (item) {
          await appendResidentMessage(item, msg.text, now, config.CLAIM_LEASE_MINUTES);
          log.warn({ kind: emergency.kind, room: roomCode, code: item.code }, 'emergency message repeated; joined its item');
          return { replies: [say.emergencyReply(emergency, item.code)], room: roomCode, route: 'emergency', itemCode: item.code };
        }
      }
    } catch (err) {
      log.error({ err }, 'could not check for a repeated emergency');
    }
    try {
      const item = await createItem({
        room: roomCode,
        kind: 'emergency',
        text: msg.text,
        summary: `紧急情况（${emergency.kind}）：${msg.text}`,
        origin: originOf(msg),
        labels: [`emergency:${emergency.kind}`],
        slaMinutes: config.SLA_MINUTES,
        now,
      });
      code = item.code;
      if (claim?.won) await recordEmergencyItem(claim.ids, item).catch((err) => log.warn({ err }, 'could not record the emergency window'));
    } catch (err) {
      // The numbers must reach the resident even when the database does not answer.
      log.error({ err }, 'could not record an emergency item');
      if (claim?.won) await releaseEmergencyWindow(claim.ids).catch(() => undefined);
    }
  }
  log.warn({ kind: emergency.kind, room: roomCode, code }, 'emergency message');
  return { replies: [say.emergencyReply(emergency, code)], room: roomCode, route: 'emergency', itemCode: code ?? undefined };
}
