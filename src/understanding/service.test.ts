import { normalize } from './segment';
import { detectService } from './service';

const svc = (text: string) => detectService(normalize(text)).service;

describe('detectService', () => {
  test.each([
    ['孩子刚出生怎么上户口', 'birth_registration'],
    ['孩子五六岁了还没上户口，咋整', 'hukou_late_registration'],
    ['买了新房，户口咋迁过来', 'hukou_move_in'],
    ['户口要迁回老家去', 'hukou_move_out'],
    ['户口本上还写着未婚，咋改', 'hukou_item_change'],
    ['身份证上生日写错了咋改', 'hukou_item_correction'],
    ['老人走了，户口去哪注销', 'death_deregistration'],
    ['三代人一个户口簿，能分一下户吗', 'household_split'],
    ['户口本丢了怎么补', 'hukou_booklet_reissue'],
    ['娃12岁了第一次办身份证', 'id_card_first'],
    ['身份证快到期了在哪换', 'id_card_renewal'],
    ['身份证丢了咋办', 'id_card_reissue'],
    ['明天坐火车，身份证还没下来，能办个临时的吗', 'temporary_id_card'],
    ['刚租了房子要去登记吗', 'residence_registration'],
    ['住多久才能办居住证', 'residence_permit'],
    ['我有套房要出租，要备案吗', 'rental_housing_registration'],
    ['租房给别人要去警务室登记吗', 'rental_housing_registration'],
    ['房子租给外地人要报备吗', 'rental_housing_registration'],
    ['单位让开户籍证明，在哪开', 'hukou_certificate'],
    ['无犯罪记录证明怎么开', 'no_criminal_record_certificate'],
    ['电动车能推楼道里充电吗', 'fire_safety_consultation'],
    ['捡了个钱包交哪儿', 'lost_and_found'],
    ['港澳通行证能在警务室签注吗', 'entry_exit_proxy'],
  ])('%s → %s', (text, key) => {
    expect(svc(text)).toBe(key);
  });

  test('disambiguates documents that share words', () => {
    expect(svc('户口注销证明怎么开')).toBe('hukou_certificate');
    expect(svc('第一次办护照去哪里')).toBe('entry_exit_proxy');
    expect(svc('捡到一张别人的身份证')).toBe('lost_and_found');
    expect(svc('居住证签注')).toBe('residence_permit');
    expect(svc('出租房屋登记要什么')).toBe('rental_housing_registration');
  });

  test('no service for unrelated text', () => {
    expect(svc('今天天气真好')).toBeNull();
    expect(svc('楼上太吵了')).toBeNull();
  });
});
