import { boundGroupsByIds, boundGroupsOfRooms, dedupe, type BoundGroup } from '../notices';

/**
 * The one rule for whom an officer's message to residents' groups may reach (broadcasts, and
 * mobile-visit notices through here): groups bound to rooms the officer may access ('all' for
 * admins, the district's rooms for a supervisor, their own rooms for an officer). A room
 * target brings every group bound to it (WeChat groups and WeCom customer groups); a group
 * target must be bound to an allowed room. What is refused is named, for a clear 400.
 */
export interface BroadcastScope {
  rooms: readonly string[];
  groups: readonly string[];
  allowedRooms: readonly string[] | 'all';
}

export async function broadcastRecipients(scope: BroadcastScope): Promise<{ recipients: BoundGroup[]; refusedRooms: string[]; refusedGroups: string[] }> {
  const allowed = (room: string) => scope.allowedRooms === 'all' || scope.allowedRooms.includes(room);
  const rooms = [...new Set(scope.rooms)];
  const ids = [...new Set(scope.groups)];
  const refusedRooms = rooms.filter((r) => !allowed(r));
  const byRoom = await boundGroupsOfRooms(rooms.filter(allowed));
  const named = await boundGroupsByIds(ids);
  const refusedGroups = ids.filter((id) => {
    const g = named.find((x) => x.conversationId === id);
    return !g || !allowed(g.room);
  });
  return { recipients: dedupe([...byRoom, ...named.filter((g) => allowed(g.room))]), refusedRooms, refusedGroups };
}
