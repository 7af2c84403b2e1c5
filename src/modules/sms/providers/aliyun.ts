import type Dysmsapi from '@alicloud/dysmsapi20170525';
import { splitEndpoint } from '../sms.settings';
import { SmsRejected, type SmsMessage, type SmsProvider, type SmsTemplate, type SmsPurpose } from '../sms.types';

/** Codes after which a retry cannot help (a bad number, an unapproved signature or template, a blacklist). */
const PERMANENT = /^isv\.(MOBILE_NUMBER_ILLEGAL|MOBILE_COUNT_OVER_LIMIT|SMS_TEMPLATE_ILLEGAL|SMS_SIGNATURE_ILLEGAL|TEMPLATE_MISSING_PARAMETERS|INVALID_PARAMETERS|BLACK_KEY_CONTROL_LIMIT|PARAM_LENGTH_LIMIT|SMS_SIGN_ILLEGAL|TEMPLATE_PARAMS_ILLEGAL)$/;

/**
 * Alibaba Cloud SMS, API 2017-05-25 SendSms: PhoneNumbers, SignName, TemplateCode and
 * TemplateParam (a JSON object of the template's named parameters). The answer's Code is "OK"
 * when accepted, with a BizId.
 */
export function aliyunProvider(options: {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
  signName: string;
  templates: Record<SmsPurpose, SmsTemplate>;
}): SmsProvider {
  const { protocol, host } = splitEndpoint(options.endpoint);
  // The SDK (some 300 modules) is loaded with the first text, not at start-up.
  let sdk: Promise<{ client: Dysmsapi; SendSmsRequest: typeof import('@alicloud/dysmsapi20170525').SendSmsRequest }> | null = null;
  const aliyun = () =>
    (sdk ??= Promise.all([import('@alicloud/dysmsapi20170525'), import('@alicloud/openapi-core')]).then(([{ default: Dysmsapi, SendSmsRequest }, { $OpenApiUtil }]) => ({
      client: new Dysmsapi(
        new $OpenApiUtil.Config({ accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret, endpoint: host, protocol, readTimeout: 10_000, connectTimeout: 5_000 }),
      ),
      SendSmsRequest,
    })));
  return {
    name: 'aliyun',
    async send(message: SmsMessage) {
      const template = options.templates[message.purpose];
      const params = Object.fromEntries(template.params.map((name) => [name, message.params[name] ?? '']));
      const { client, SendSmsRequest } = await aliyun();
      let body;
      try {
        const res = await client.sendSms(
          new SendSmsRequest({ phoneNumbers: message.phone, signName: options.signName, templateCode: template.id, templateParam: JSON.stringify(params) }),
        );
        body = res.body;
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        const reason = `阿里云短信调用失败 ${code}：${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
        if (code && PERMANENT.test(code)) throw new SmsRejected(reason, { cause: err });
        throw new Error(reason, { cause: err });
      }
      if (body?.code === 'OK') return { id: body.bizId ?? null };
      const reason = `阿里云短信未发送 ${body?.code ?? '(无状态)'}：${body?.message ?? ''}`.slice(0, 300);
      if (body?.code && PERMANENT.test(body.code)) throw new SmsRejected(reason);
      throw new Error(reason);
    },
  };
}
