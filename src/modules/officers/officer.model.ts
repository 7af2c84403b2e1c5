import { Schema, model, type InferSchemaType } from 'mongoose';

/** The roles the officers' API creates and edits. */
export const OFFICER_ROLES = ['officer', 'supervisor', 'admin'] as const;
/**
 * Every role an account may hold: the officers' and 'volunteer' (the four volunteer teams, issue
 * 20). A volunteer signs in like an officer but every officer route refuses it (requireOfficer);
 * only the volunteer routes take it, and it is tied to one room. Created through the volunteers module.
 */
export const ACCOUNT_ROLES = [...OFFICER_ROLES, 'volunteer'] as const;
export type OfficerRole = (typeof ACCOUNT_ROLES)[number];

export const OFFICER_ROLE_LABELS: Record<OfficerRole, string> = {
  officer: '社区民警',
  supervisor: '督导（所领导）',
  admin: '系统管理员',
  volunteer: '警务志愿者',
};

const officerSchema = new Schema(
  {
    username: { type: String, required: true, trim: true, match: /^[A-Za-z0-9_.-]{3,32}$/ },
    name: { type: String, required: true, trim: true, maxlength: 40 },
    badge: { type: String, trim: true, maxlength: 20 },
    phone: { type: String, trim: true, maxlength: 20 },
    role: { type: String, required: true, enum: ACCOUNT_ROLES, default: 'officer' },
    /** Room codes this officer serves (officers) — supervisors see their whole district. */
    rooms: { type: [String], default: [] },
    district: { type: String, trim: true, maxlength: 32 },
    /** argon2 hash; absent until a password is set. Never leaves the server (see presenter). */
    passwordHash: { type: String, select: false },
    /** WeChat ids allowed to bind groups to this officer's rooms. */
    wechatIds: { type: [String], default: [] },
    /** The officer's WeCom (企业微信) userid, for app messages to officers. */
    wecomUserId: { type: String, trim: true, maxlength: 64, default: null },
    /**
     * Set while the password is one the officer did not choose (the admin's random first
     * password, a temporary password from an admin): every request but changing it is refused.
     */
    mustChangePassword: { type: Boolean, default: false },
    passwordChangedAt: { type: Date, default: null },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

officerSchema.index({ username: 1 }, { unique: true });
officerSchema.index({ rooms: 1 });

export type Officer = InferSchemaType<typeof officerSchema>;
export const OfficerModel = model('Officer', officerSchema);
