import { isServiceKey } from './catalog';
import { ServiceModel, type Service } from './service.model';

export async function listServices(): Promise<Service[]> {
  return ServiceModel.find().sort({ order: 1 }).lean<Service[]>();
}

export async function findService(key: string): Promise<Service | null> {
  if (!isServiceKey(key)) return null;
  return ServiceModel.findOne({ key }).lean<Service>();
}
