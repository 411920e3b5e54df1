# SPDX-License-Identifier: Apache-2.0
# Prints the matches zsh's completion offers for a command line, one per line: runs an
# interactive zsh in a pseudo-terminal (zpty), loads the completion functions found in the
# directory $1, types the line $2 and TAB, and prints every match handed to compadd with the
# prefix zsh keeps in front of it (IPREFIX: "--format=" for --format=j).
# usage: zsh -f zsh_complete.zsh DIR "strata up"
zmodload zsh/zpty || exit 2
zpty shell zsh -f -i
zpty -w shell "PROMPT= ; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w shell 'compadd() {
  (( ${@[(I)-[OAD]]} )) && { builtin compadd "$@"; return }
  local -a matches; builtin compadd -O matches "$@"
  (( $#matches )) && print -rl -- "<mat""ch>$IPREFIX"${^matches}
  builtin compadd "$@"
}'
zpty -w shell 'comppostfuncs=(completion-done); completion-done() { print -r -- "<""done>"; exit }'
zpty -w shell 'bindkey "^I" complete-word'
zpty -w shell "$2"$'\t'
local line
while zpty -r shell line; do
  line=${line//[$'\r\n']/}
  [[ $line == *'<done>'* ]] && exit 0
  [[ $line == *'<match>'?* ]] && print -r -- ${line#*'<match>'}
done
exit 1
