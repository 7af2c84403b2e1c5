/**
 * The 网上课堂 categories: the lines of a police room's work officers ask about (the 21 services
 * grouped as the room handles them, then its community work and the system itself).
 */
export const CLASSROOM_CATEGORIES = ['hukou', 'id_card', 'residence', 'entry_exit', 'certificates', 'mediation', 'security', 'community', 'system', 'other'] as const;
export type ClassroomCategory = (typeof CLASSROOM_CATEGORIES)[number];

export const CLASSROOM_CATEGORY_LABELS: Record<ClassroomCategory, string> = {
  hukou: '户籍业务',
  id_card: '身份证',
  residence: '居住证与流动人口',
  entry_exit: '出入境',
  certificates: '证明开具',
  mediation: '矛盾纠纷调解',
  security: '治安与防范',
  community: '社区走访',
  system: '系统使用',
  other: '其他',
};
