/** Query functions for users and their sessions. */
import type { Kysely } from "kysely";
import type { Role } from "../core/access/roles.js";
import type { User } from "../core/model.js";
import type { Database, UserRow } from "./schema.js";

export function toUser(row: UserRow & { worker_id?: string | null }): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    locale: row.locale as User["locale"],
    timeZone: row.time_zone,
    workerId: row.worker_id ?? null,
    disabled: row.disabled === 1,
    twoFactorEnabled: row.totp_enabled_at !== null,
    createdAt: row.created_at,
  };
}

function usersWithWorker(db: Kysely<Database>) {
  return db
    .selectFrom("users")
    .leftJoin("workers", "workers.user_id", "users.id")
    .selectAll("users")
    .select("workers.id as worker_id");
}

export async function findUser(db: Kysely<Database>, organisationId: string, id: string) {
  return usersWithWorker(db)
    .where("users.organisation_id", "=", organisationId)
    .where("users.id", "=", id)
    .executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return usersWithWorker(db).where("users.email", "=", email.trim().toLowerCase()).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>, organisationId: string) {
  return usersWithWorker(db)
    .where("users.organisation_id", "=", organisationId)
    .orderBy("users.name")
    .orderBy("users.id")
    .execute();
}

export async function findSession(db: Kysely<Database>, id: string) {
  return db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

export async function deleteUserSessions(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom("sessions").where("user_id", "=", userId).execute();
}
