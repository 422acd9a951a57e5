/**
 * Who is on shift: an operator whose presence is online and who has a shift (src/reports/shifts.ts, kept in the
 * console) covering the moment. Before anyone has entered a shift, presence alone decides, so a new installation
 * works before its rota is typed in. Everything else asks through these two functions.
 */
import '../reports/schema';
import type { Executor } from '../store/executor';

export interface OperatorOnShift {
  id: string;
  displayName: string;
}

export async function operatorsOnShift(db: Executor, at: Date = new Date()): Promise<OperatorOnShift[]> {
  const shiftsKept = !!(await db.selectFrom('shifts').select('id').limit(1).executeTakeFirst());
  const when = at.toISOString();
  let q = db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('role', '=', 'operator')
    .where('disabled', '=', 0)
    .where('presence', '=', 'online');
  if (shiftsKept) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('shifts')
          .select('shifts.id')
          .whereRef('shifts.user_id', '=', 'users.id')
          .where('shifts.kind', '=', 'operator')
          .where('shifts.starts_at', '<=', when)
          .where('shifts.ends_at', '>', when),
      ),
    );
  }
  const rows = await q.orderBy('username', 'asc').execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}

/** Whether a citizen asking for an operator now will be answered soon (else the bot says when the hotline answers). */
export async function anyOperatorOnShift(db: Executor, at: Date = new Date()): Promise<boolean> {
  return (await operatorsOnShift(db, at)).length > 0;
}
