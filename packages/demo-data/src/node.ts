/**
 * Node-only entry point (`@readingroom/demo-data/node`): helpers that touch the file system or
 * resolve installed packages. The main entry stays free of Node APIs.
 */
export { daikonMrSeriesPath, daikonSampleImagePaths } from './sources';
export { writeDemoFiles, type DemoFilesWritten } from './write-demo-files';
