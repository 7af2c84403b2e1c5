import { Schema, model } from 'mongoose';

/**
 * Verification codes sent by SMS. Everything is keyed by `_id` (FerretDB 1.24 pushes down only
 * `_id` equality) and every exclusive step is a unique insert:
 *  - VerificationCode `phone|purpose`: the number's current code, never readable: a salted
 *    scrypt hash, its expiry and an `issue` id naming this issuance. A new code replaces it
 *    (one writer a minute: issuing is limited to one per minute per number).
 *  - VerificationTry `issue|n`, n in 1..5: a check takes the next free try first, so even
 *    concurrent guesses get 5 tries per code, no more.
 *  - VerificationUse `issue`: the one use of a right code; a second use loses the insert.
 *  - VerificationGrant `sha256(token)`: after a right "manage" code, 15 minutes in which the
 *    page may look up, cancel and reschedule that number's bookings without another text.
 * `expiresAt` on each lets the housekeeping job delete what is over (no TTL index on FerretDB).
 */
const codeSchema = new Schema(
  {
    _id: { type: String, required: true },
    issue: { type: String, required: true },
    hash: { type: String, required: true },
    salt: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
export const VerificationCodeModel = model('VerificationCode', codeSchema);

const trySchema = new Schema({ _id: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { timestamps: false, versionKey: false });
export const VerificationTryModel = model('VerificationTry', trySchema);

const useSchema = new Schema({ _id: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { timestamps: false, versionKey: false });
export const VerificationUseModel = model('VerificationUse', useSchema);

const grantSchema = new Schema(
  {
    _id: { type: String, required: true },
    phone: { type: String, required: true },
    purpose: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { timestamps: false, versionKey: false },
);
export const VerificationGrantModel = model('VerificationGrant', grantSchema);
