/** The build-time MNIST subset (demo/mnistSubset.ts). */
declare module 'virtual:mnist-subset' {
  export const perClass: number;
  export const pixels: string;
  export const labels: string;
  export const source: string;
}
