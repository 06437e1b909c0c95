import { Document, isScalar, visit } from 'yaml';

/**
 * YAML for docker compose and kubectl. Written as YAML 1.1, so that strings such as `no` and `on` are
 * quoted: both tools read `restart: no` unquoted as the boolean false. Lists of plain values (commands)
 * are written on one line, as people write them.
 */
export function yamlText(data: unknown, comment: string | null): string {
  const doc = new Document(data, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  if (comment !== null) doc.commentBefore = comment;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
