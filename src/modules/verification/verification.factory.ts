import type { Config } from '../../config';
import type { Logger } from '../../logging/logger';
import { activeBookingCount, appointmentPolicy } from '../appointments';
import { smsSettings } from '../sms';
import { createVerificationCodes, type VerificationCodes } from './verification.service';

/**
 * The verification codes as the configuration asks for them, for every entry that needs them
 * (the HTTP routes, the chat booking flow). All state lives in the database, so any number of
 * these, in any number of instances, enforce the same limits.
 */
export function verificationFromConfig(config: Config, options: { logger: Logger; now?: () => Date }): VerificationCodes {
  return createVerificationCodes({
    sms: smsSettings(config),
    perPhonePerDay: config.VERIFY_CODES_PER_PHONE_PER_DAY,
    perIpPerHour: config.VERIFY_CODES_PER_IP_PER_HOUR,
    logger: options.logger,
    now: options.now,
    // A "manage" code goes only to a number that has bookings (the answer is the same either way).
    worthSending: async (phone, purpose) => purpose === 'booking' || (await activeBookingCount(phone, appointmentPolicy(config))) > 0,
  });
}
