import { describeMode, type Service } from './service.model';

export function presentService(service: Service) {
  return {
    key: service.key,
    order: service.order,
    name: service.name,
    gloss: service.gloss ?? '',
    materials: service.materials,
    mode: service.mode,
    modeText: describeMode(service.mode),
    typicalTime: service.typicalTime,
    bookable: service.bookable,
  };
}
