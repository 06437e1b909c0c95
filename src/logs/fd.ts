import { close, fstat, open, writev } from 'node:fs';

// Promise wrappers over the fd-based calls: the writer keeps a plain fd (not a FileHandle) because
// rotation closes and reopens it synchronously.

export function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, 'a', 0o600, (error, fd) => (error === null ? resolve(fd) : reject(error)));
  });
}

export function sizeOf(fd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fstat(fd, (error, stats) => (error === null ? resolve(stats.size) : reject(error)));
  });
}

export function writeFd(fd: number, buffers: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    writev(fd, buffers, (error, written) => (error === null ? resolve(written) : reject(error)));
  });
}

export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    close(fd, (error) => (error === null ? resolve() : reject(error)));
  });
}
