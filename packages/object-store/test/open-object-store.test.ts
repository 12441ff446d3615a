import { S3Client } from '@aws-sdk/client-s3';
import { FsObjectStore, openObjectStore, S3ObjectStore } from '../src';

describe('openObjectStore', () => {
  const s3Client = new S3Client({ region: 'us-east-1' });
  afterAll(() => s3Client.destroy());

  it.each([
    ['s3://archive-bucket', 'archive-bucket', ''],
    ['s3://archive-bucket/', 'archive-bucket', ''],
    ['s3://archive-bucket/github', 'archive-bucket', 'github/'],
    ['s3://archive-bucket/github/webhooks/', 'archive-bucket', 'github/webhooks/'],
  ])('opens %s as an S3ObjectStore', (url, bucket, prefix) => {
    const store = openObjectStore(url, { s3Client });
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(store).toMatchObject({ bucket, prefix });
  });

  it.each([
    ['./data/archive', `${process.cwd()}/data/archive`],
    ['/var/archive', '/var/archive'],
    ['file:///var/archive', '/var/archive'],
  ])('opens %s as an FsObjectStore', (location, rootDir) => {
    const store = openObjectStore(location);
    expect(store).toBeInstanceOf(FsObjectStore);
    expect(store).toMatchObject({ rootDir });
  });

  it.each([[''], ['s3://'], ['s3:bucket']])('rejects %j', (location) => {
    expect(() => openObjectStore(location)).toThrow(
      expect.objectContaining({ name: 'InvalidLocationError' }),
    );
  });

  it('creates an S3 client with the default configuration when given none', () => {
    const store = openObjectStore('s3://bucket/prefix');
    expect(store).toBeInstanceOf(S3ObjectStore);
  });
});
