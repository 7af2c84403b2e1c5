import type { sms } from 'tencentcloud-sdk-nodejs-sms';
import { splitEndpoint } from '../sms.settings';
import { SmsRejected, type SmsMessage, type SmsProvider, type SmsTemplate, type SmsPurpose } from '../sms.types';

/** Error codes after which a retry cannot help (the number, the signature or the template is wrong). */
const PERMANENT = /^(InvalidParameterValue\.|FailedOperation\.(PhoneNumberInBlacklist|TemplateIncorrectOrUnapproved|SignatureIncorrectOrUnapproved|MissingTemplateToModify|MissingSignature)|UnauthorizedOperation\.|UnsupportedOperation\.)/;

/**
 * Tencent Cloud SMS, API 2021-01-11 SendSms: PhoneNumberSet ["+86…"], SmsSdkAppId, SignName,
 * TemplateId, TemplateParamSet (the parameters in the template's order). The answer has one
 * SendStatus per number; its Code is "Ok" when accepted.
 */
export function tencentProvider(options: {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  region: string;
  endpoint: string;
  signName: string;
  templates: Record<SmsPurpose, SmsTemplate>;
}): SmsProvider {
  const { protocol, host } = splitEndpoint(options.endpoint);
  // The SDK is loaded with the first text, not at start-up.
  let client: Promise<InstanceType<typeof sms.v20210111.Client>> | null = null;
  const tencent = () =>
    (client ??= import('tencentcloud-sdk-nodejs-sms').then(
      ({ sms }) =>
        new sms.v20210111.Client({
          credential: { secretId: options.secretId, secretKey: options.secretKey },
          region: options.region,
          profile: { httpProfile: { endpoint: host, protocol: `${protocol}://`, reqMethod: 'POST', reqTimeout: 10 } },
        }),
    ));
  return {
    name: 'tencent',
    async send(message: SmsMessage) {
      const template = options.templates[message.purpose];
      let answer;
      try {
        answer = await (await tencent()).SendSms({
          PhoneNumberSet: [`+86${message.phone}`],
          SmsSdkAppId: options.sdkAppId,
          SignName: options.signName,
          TemplateId: template.id,
          TemplateParamSet: template.params.map((name) => message.params[name] ?? ''),
        });
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        const reason = `腾讯云短信调用失败 ${code}：${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
        if (code && PERMANENT.test(code)) throw new SmsRejected(reason, { cause: err });
        throw new Error(reason, { cause: err });
      }
      const status = answer.SendStatusSet?.[0];
      if (status?.Code === 'Ok') return { id: status.SerialNo ?? null };
      const reason = `腾讯云短信未发送 ${status?.Code ?? '(无状态)'}：${status?.Message ?? ''}`.slice(0, 300);
      if (status?.Code && PERMANENT.test(status.Code)) throw new SmsRejected(reason);
      throw new Error(reason);
    },
  };
}
