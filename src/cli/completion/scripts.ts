import type { Completion } from './complete.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/*
 * Each script only hands the command line to `ovrseer __complete SHELL -- WORDS… CURRENT` and shows
 * what it prints: the first line is the directive (`:words`, `:files`, `:nospace`), then one
 * candidate a line. What the words mean is decided once, in TypeScript, from the command tree.
 */

const BASH = `# ovrseer completion for bash. Load it from ~/.bashrc:  source <(ovrseer completion bash)
# or save it where bash-completion finds it:  ovrseer completion bash > ~/.local/share/bash-completion/completions/ovrseer
_ovrseer_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="" IFS=$' \\t\\n'
  local -a words
  read -r -a words <<< "$line"
  if [[ "$line" != *[[:space:]] ]] && (( \${#words[@]} > 1 )); then
    cur="\${words[-1]}"
    unset 'words[-1]'
  fi
  local out
  out=$("\${words[0]}" __complete bash -- "\${words[@]:1}" "$cur" 2>/dev/null) || return 0
  local directive="\${out%%$'\\n'*}" candidates=""
  [[ "$out" == *$'\\n'* ]] && candidates="\${out#*$'\\n'}"
  case "$directive" in
    :files) compopt -o filenames 2>/dev/null; IFS=$'\\n' COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    :nospace) compopt -o nospace 2>/dev/null ;;
  esac
  IFS=$'\\n' COMPREPLY=($candidates)
  # bash splits words at ':' (group:web): the reply replaces only what follows the last one.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}" i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]="\${COMPREPLY[i]#"$prefix"}"; done
  fi
}
complete -F _ovrseer_complete ovrseer ovr
`;

const ZSH = `#compdef ovrseer ovr
# ovrseer completion for zsh. Load it from ~/.zshrc (after compinit):  source <(ovrseer completion zsh)
# or save it as _ovrseer in a directory of $fpath:  ovrseer completion zsh > ~/.zfunc/_ovrseer
_ovrseer() {
  local -a lines candidates
  lines=("\${(@f)$(\${words[1]} __complete zsh -- "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  local directive=\${lines[1]}
  candidates=("\${(@)lines[2,-1]}")
  case $directive in
    :files) _files ;;
    :nospace) _describe -t values ovrseer candidates -S '' ;;
    *) _describe -t values ovrseer candidates ;;
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _ovrseer "$@"
else
  compdef _ovrseer ovrseer ovr
fi
`;

const FISH = `# ovrseer completion for fish:  ovrseer completion fish > ~/.config/fish/completions/ovrseer.fish
# (and the same file as ovr.fish for the short name)
function __ovrseer_complete
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l out ($words[1] __complete fish -- $words[2..-1] "$current" 2>/dev/null)
    or return
    if test "$out[1]" = ":files"
        __fish_complete_path "$current"
        return
    end
    printf '%s\\n' $out[2..-1]
end
complete -c ovrseer -f -a '(__ovrseer_complete)'
complete -c ovr -f -a '(__ovrseer_complete)'
`;

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? BASH : shell === 'zsh' ? ZSH : FISH;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** What `__complete` prints for `shell`: the directive, then a candidate a line. */
export function renderCompletion(shell: Shell, completion: Completion): string {
  const lines = [`:${completion.directive}`];
  for (const { value, description } of completion.candidates) {
    if (shell === 'bash' || description === '')
      lines.push(shell === 'zsh' ? value.replaceAll(':', '\\:') : value);
    else if (shell === 'zsh') lines.push(`${value.replaceAll(':', '\\:')}:${oneLine(description)}`);
    else lines.push(`${value}\t${oneLine(description)}`);
  }
  return `${lines.join('\n')}\n`;
}
