import { Box, Text } from 'ink';

export interface LinesProps {
  lines: readonly string[];
  /** Rows the block takes; missing lines are blank so what follows never moves. */
  height: number;
}

/**
 * A block of pre-formatted lines, one `<Text>` each, cut at the terminal's edge. Components build
 * their lines as strings (colours included): one layout node per line keeps a frame cheap.
 */
export function Lines({ lines, height }: LinesProps) {
  const shown = lines.slice(0, Math.max(0, height));
  return (
    <Box flexDirection="column" height={Math.max(0, height)} overflow="hidden">
      {shown.map((line, index) => (
        // Lines have no identity of their own: position is the key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <Text key={index} wrap="truncate-end">
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </Box>
  );
}
