/** Realistic resident messages: questions about the services, hours, a few reports and thanks. */
export const RESIDENT_TEXTS = [
  '身份证丢了怎么办',
  '孩子刚出生怎么上户口？',
  '警务室几点开门',
  '你好',
  '电动车能推楼道里充电吗？',
  '无犯罪记录证明怎么开',
  '刚租了房子要去登记吗',
  '住多久才能办居住证',
  '捡了个钱包交哪儿',
  '港澳通行证能在警务室签注吗',
  '这个月18号开放日几点开始',
  '老人走了户口去哪注销',
  '户口本上还写着未婚咋改',
  '谢谢',
  '明天坐火车身份证还没下来能办个临时的吗',
  '单位让开户籍证明在哪开',
  '身份证过期了换证要带什么材料',
  '周六警务室上班吗',
  '楼下邻居天天半夜装修吵得睡不着',
  '小区门口有人摆摊卖假烟',
  '办居住证需要房东提供什么',
  '户口迁到老公那边怎么办',
  '好的，明白了',
  '我想预约办身份证',
];

/**
 * A resident's own address, as the reverse proxy would report it (X-Forwarded-For; the load
 * service trusts one proxy hop). Each conversation comes from its own resident, so the
 * production per-IP and per-conversation limits apply as they would to real traffic.
 */
export function residentAddress(): string {
  const octet = () => 1 + Math.floor(Math.random() * 254);
  return `10.${octet()}.${octet()}.${octet()}`;
}
