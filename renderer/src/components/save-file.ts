/**
 * Hands a text file to the browser's download (headless mode) or Electron's save dialog (it turns
 * an <a download> click into will-download): the same code in both shells, no extra IPC.
 */
export function saveTextFile(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob over; free it once the download has started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
