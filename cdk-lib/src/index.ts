export * from './topology';
export * from './planned-vpc';
export * from './planned-endpoints';
export * from './bedrock-ml-account';
