import { createUnderstanding, FAQ_SEED } from './index';
import { crossValidateBySource } from './evaluate';
import { features, TextClassifier } from './model';
import { normalize } from './segment';
import { loadTrainingData, parseTrainingData, trainModels } from './training';

describe('statistical intent model', () => {
  const data = loadTrainingData();

  test('the shipped training file loads, with every batch tagged by its author', () => {
    expect(data.length).toBeGreaterThan(1000);
    expect(new Set(data.map((e) => e.source))).toEqual(new Set(['nlu', 'holdout', 'holdout-2', 'holdout-3']));
  });

  test('features are character 1–3-grams plus words', () => {
    const f = features(normalize('身份证丢了'));
    expect(f).toEqual(expect.arrayContaining(['身', '身份', '身份证', '^身', 'w:身份证']));
  });

  test('trains both models from the shipped data (timing: scripts/bench-understanding.ts)', () => {
    const models = trainModels(data);
    expect(models).not.toBeNull();
    expect(models!.intent.labels).not.toContain('emergency');
    expect(models!.service.labels).toContain('none');
  });

  test('generalises to phrasings no rule was written for', () => {
    const m = TextClassifier.train([
      ...['楼上天天吵', '隔壁老是吵闹', '楼下半夜吵人', '对门吵得睡不着'].map((text) => ({ text, label: 'dispute' })),
      ...['身份证怎么补', '户口本怎么补', '居住证怎么办', '护照怎么办'].map((text) => ({ text, label: 'service_question' })),
    ]);
    expect(m.predict(normalize('楼上吵得不行'))[0].label).toBe('dispute');
    expect(m.predict(normalize('驾驶证怎么补'))[0].label).toBe('service_question');
  });

  test('malformed training lines are skipped', () => {
    const parsed = parseTrainingData('{"text":"你好","intent":"chitchat"}\nnot json\n{"text":"x","intent":"nope"}\n');
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ intent: 'chitchat', service: null, emergency: false });
  });

  test('rules-only mode still works without training data', () => {
    const u = createUnderstanding({ faq: FAQ_SEED, training: false });
    expect(u.analyze('身份证丢了咋办').service).toBe('id_card_reissue');
  });

  test('the intent model may not remove an emergency, and nothing flags a settled legal matter', () => {
    const u = createUnderstanding({ faq: FAQ_SEED });
    expect(u.analyze('电梯卡住了 我妈在里面 叫她不应').intent).toBe('emergency');
    expect(u.analyze('法院判了宣告死亡 户口咋销').intent).not.toBe('emergency');
  });

  test('leave-one-author-out cross-validation runs and keeps every emergency', () => {
    const folds = crossValidateBySource(data.filter((_, i) => i % 3 === 0));
    expect(folds).toHaveLength(4);
    for (const f of folds) expect(f.blended.emergencyFn).toBe(0);
  });
});
