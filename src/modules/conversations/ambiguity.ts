/**
 * Words that name more than one service, and the question that tells them apart: "户口迁移" is
 * moving a hukou in or out, and which one decides the materials. They count as open only when
 * nothing in the message says the direction (迁入/落户/迁出/迁走 …). The booking flow asks the
 * question; a question about the service is answered with both services' cards.
 */
interface OpenChoice {
  words: RegExp;
  direction: RegExp;
  question: string;
  /** What the two cards are introduced with when a question is answered. */
  lead: string;
  services: string[];
}

const OPEN_CHOICES: OpenChoice[] = [
  {
    words: /户口迁移|迁移户口|迁户口|户口(要|想|怎么|如何)?迁(?![入进出走回来去往到过])/,
    direction: /迁入|迁进|迁来|迁过来|迁回|落户|入户|投靠|准迁|迁出|迁走|迁去|迁往|迁到|迁过去|出去|迁移证/,
    question: '请问是把户口迁入本地（落户），还是从本地迁出？',
    lead: '户口迁入（落户）和迁出所需材料不同，分别如下：',
    services: ['hukou_move_in', 'hukou_move_out'],
  },
];

/** The choice a resident's words leave open, or null when they name one service (or none of these). */
export function openServices(text: string): Pick<OpenChoice, 'question' | 'lead' | 'services'> | null {
  const choice = OPEN_CHOICES.find((c) => c.words.test(text) && !c.direction.test(text));
  return choice ? { question: choice.question, lead: choice.lead, services: choice.services } : null;
}
