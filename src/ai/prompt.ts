/** Prompt building and answer parsing for grounded answers (pure; tested without a model). */

export interface Source {
  id: string;
  title: string;
  text: string;
}

const SYSTEM = [
  '你是社区警务室的在线咨询助手。只能依据下面提供的【资料】回答群众的问题，不得编造政策、材料、时限或电话。',
  '回答用简体中文，口语、礼貌、简洁（不超过200字）。',
  '如果资料不足以回答，只回复：无法回答。',
  '不要处理紧急报警；不要索要身份证号、手机号等个人信息。',
  '回答最后另起一行，写“引用：”并列出你用到的资料编号，用英文逗号分隔，例如：引用：[1],[3]',
].join('\n');

export function buildMessages(question: string, sources: Source[]): Array<{ role: 'system' | 'user'; content: string }> {
  const material = sources.map((s, i) => `[${i + 1}] ${s.title}\n${s.text}`).join('\n\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `【资料】\n${material}\n\n【群众的问题】\n${question}` },
  ];
}

/** Splits the model's text from its citations; null when it declined or cited nothing valid. */
export function parseModelAnswer(content: string, sourceIds: string[]): { text: string; citations: string[] } | null {
  const trimmed = content.trim();
  if (!trimmed || /无法回答/.test(trimmed.slice(0, 20))) return null;
  const m = /\n?\s*引用[:：]\s*(.*)$/s.exec(trimmed);
  const body = (m ? trimmed.slice(0, m.index) : trimmed).trim();
  const nums = m ? [...m[1].matchAll(/\[?(\d{1,2})\]?/g)].map((x) => Number(x[1])) : [];
  const citations = [...new Set(nums)].filter((n) => n >= 1 && n <= sourceIds.length).map((n) => sourceIds[n - 1]);
  if (!body || citations.length === 0) return null;
  return { text: body.replace(/\[(\d{1,2})\]/g, '').trim(), citations };
}
