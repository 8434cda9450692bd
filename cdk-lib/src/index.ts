export * from './topology';
export * from './planned-vpc';
