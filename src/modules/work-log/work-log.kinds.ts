/** The kinds of field work an officer logs (stable English keys; Chinese labels are what people read). */
export const WORK_LOG_KINDS = ['household_visit', 'patrol', 'publicity', 'inspection', 'briefing', 'mediation', 'other'] as const;
export type WorkLogKind = (typeof WORK_LOG_KINDS)[number];

export const WORK_LOG_KIND_LABELS: Record<WorkLogKind, string> = {
  household_visit: '入户走访',
  patrol: '治安巡逻',
  publicity: '宣传发动',
  inspection: '实地检查',
  briefing: '警情通报',
  mediation: '矛盾调解',
  other: '其他',
};

/** What the count of an entry counts, per kind (shown next to the number field). */
export const WORK_LOG_COUNT_LABELS: Record<WorkLogKind, string> = {
  household_visit: '走访户数',
  patrol: '接触群众人数',
  publicity: '受众人数',
  inspection: '检查场所数',
  briefing: '通报覆盖人数',
  mediation: '涉及人数',
  other: '人数/户数',
};

/** Photos one entry may carry (slots 0 … MAX − 1). */
export const WORK_LOG_MAX_PHOTOS = 6;
