import { Schema, model, type InferSchemaType } from 'mongoose';

export const OFFICER_ROLES = ['officer', 'supervisor', 'admin'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export const OFFICER_ROLE_LABELS: Record<OfficerRole, string> = {
  officer: '社区民警',
  supervisor: '督导（所领导）',
  admin: '系统管理员',
};

const officerSchema = new Schema(
  {
    username: { type: String, required: true, trim: true, match: /^[A-Za-z0-9_.-]{3,32}$/ },
    name: { type: String, required: true, trim: true, maxlength: 40 },
    badge: { type: String, trim: true, maxlength: 20 },
    phone: { type: String, trim: true, maxlength: 20 },
    role: { type: String, required: true, enum: OFFICER_ROLES, default: 'officer' },
    /** Room codes this officer serves (officers) — supervisors see their whole district. */
    rooms: { type: [String], default: [] },
    district: { type: String, trim: true, maxlength: 32 },
    /** argon2 hash; absent until a password is set. Never leaves the server (see presenter). */
    passwordHash: { type: String, select: false },
    /** WeChat ids allowed to bind groups to this officer's rooms. */
    wechatIds: { type: [String], default: [] },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

officerSchema.index({ username: 1 }, { unique: true });
officerSchema.index({ rooms: 1 });

export type Officer = InferSchemaType<typeof officerSchema>;
export const OfficerModel = model('Officer', officerSchema);
