/**
 * SMS verification codes: proof that the person booking (or managing a booking) holds the
 * mobile number. Codes are 6 digits, valid 5 minutes, 5 tries, one a minute and
 * VERIFY_CODES_PER_PHONE_PER_DAY a day per number, stored only as salted hashes.
 */
export {
  purgeVerification,
  verificationError,
  VERIFICATION_PURPOSES,
  GRANT_MINUTES,
  type VerificationCodes,
} from './verification.service';
export { verificationFromConfig } from './verification.factory';
