import { Schema, model, Types } from 'mongoose';

/**
 * Server-side sessions. The cookie carries a random token; only its SHA-256 is stored, so a
 * database dump cannot be replayed as a login. Expiry is checked by the app (no TTL index:
 * FerretDB 1.24 has none); expired sessions are deleted by the nightly housekeeping job.
 */
const sessionSchema = new Schema(
  {
    tokenHash: { type: String, required: true },
    officer: { type: Types.ObjectId, ref: 'Officer', required: true },
    csrfToken: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    ip: { type: String, maxlength: 64 },
  },
  { timestamps: true },
);
sessionSchema.index({ tokenHash: 1 }, { unique: true });
sessionSchema.index({ expiresAt: 1 });

export const SessionModel = model('Session', sessionSchema);

/** One document per failed login: counted (never $inc'ed) to decide a lockout. */
const loginFailureSchema = new Schema({
  username: { type: String, required: true, maxlength: 64 },
  ip: { type: String, maxlength: 64 },
  at: { type: Date, required: true },
});
loginFailureSchema.index({ username: 1, at: 1 });
loginFailureSchema.index({ ip: 1, at: 1 });

export const LoginFailureModel = model('LoginFailure', loginFailureSchema);
