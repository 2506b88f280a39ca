"""Skills map, stacks, "earn next" and gap reports from the credentials in the wallet.

Pure Python: no Qt, no I/O, no clock (``now`` is passed in).  Modules:

* ``extract``: normalisation and what one credential says (identity rules);
  ``slim_credential`` keeps only what these readers use (an app holding a
  whole wallet's credentials for the map needs a fraction of the memory);
* ``map``: ``build_map`` → ``SkillMap`` (freshness, micro/macro, heat map),
  ``top_skills``, ``render_text``; ``cell_proofs``/``heat_column`` say which
  badges a heat-map cell (``BY_YEAR`` or ``BY_ISSUER``) counts;
* ``index``: ``SkillIndex``, the same map kept up to date one record at a
  time (per-record extraction cached by record id; a change recomputes only
  the skills, achievements and rows it touches; ``map()`` always equals
  ``build_map(index.inputs())``);
* ``stacks``: ``stacks`` and ``earn_next`` over achievement ids;
* ``target``: ``parse_target``, ``target_from_credential``, ``gap_report``,
  ``render_gap_text`` (explainable matching).

JSON shapes (``to_json``: UTF-8, ``sort_keys``, indent 2, dates as ISO 8601
strings or null, every list in a fixed order)::

    SkillMap.to_json()                      schema "badgewallet.skills-map/1"
    {
      "schema", "generated",
      "counts": {skills, credentials, micro, macro, fresh_skills, unverified_skills, stale_skills},
      "skills": [{                          # by group ("Other" last), then name
        key, name, aliases[], framework, code, url, group,
        freshness: "fresh"|"unverified"|"stale", counts: {fresh, unverified, stale},
        assessed, first, latest, issuers[],
        badges: [{record_id, name, issuer, achievement_id, date, freshness, reason,
                  kind: "micro"|"macro", source, assessment, credits}]   # by date
      }],
      "groups": [{name, skills: [key]}],
      "heat": {weights: {fresh, unverified, stale},
               years:   [{skill, column: "2024"|"unknown", count, fresh, stale, weight}],
               issuers: [{skill, column: issuer name, count, fresh, stale, weight}]},
      "credentials": [{record_id, name, issuer, achievement_id, kind, freshness, reason, date, skills[]}],
      "stacks": [{name, held, total, issuers[], steps: [{achievement_id, name, held, record_ids[], date}]}],
      "earn_next": [{achievement_id, name, relation: "parent"|"next"|"newer version"|"related",
                     url, issuer, issuer_url, via: {record_ids[], names[]}, skills[]}]
    }

    GapReport.to_json()                     schema "badgewallet.skills-gap/1"
    {
      "schema", "generated", "target": {name, mode: "list"|"text"|"json"|"credential", skills},
      "counts": {proven, stale, missing},
      "items": [{                           # target order; free text: by status, then name
        skill: {name, framework, code, synonyms[]},
        status: "proven"|"stale"|"missing", freshness, assessed,
        matches: [{skill, name, reason: "same framework code"|"same name"|"listed synonym",
                   matched, detail}],
        badges: [...as above...],           # best freshness first
        suggestions: [{achievement_id, name, url, issuer, issuer_url, reason, via[]}]
      }],
      "notes": [str]
    }

Skill keys are opaque, stable strings (``code:<framework>:<code>``,
``name:<name>``, percent-encoded parts); do not parse them.
"""

from wallet.skills.extract import MACRO, MICRO, normalise_code, normalise_name, slim_credential
from wallet.skills.index import SkillIndex
from wallet.skills.map import (
    BY_ISSUER,
    BY_YEAR,
    FRESH,
    FRESHNESS_WEIGHT,
    STALE,
    UNVERIFIED,
    BadgeRef,
    CredentialInfo,
    HeatCell,
    Proof,
    Skill,
    SkillGroup,
    SkillInput,
    SkillMap,
    TopSkill,
    build_map,
    cell_proofs,
    freshness_of,
    heat_column,
    heat_rows,
    render_text,
    top_skills,
)
from wallet.skills.stacks import AchievementNode, EarnNext, Stack, StackStep, earn_next, stacks
from wallet.skills.target import (
    MISSING,
    PROVEN,
    REASON_CODE,
    REASON_NAME,
    REASON_SYNONYM,
    STALE_ONLY,
    GapItem,
    GapReport,
    Match,
    Suggestion,
    Target,
    TargetSkill,
    gap_report,
    parse_target,
    render_gap_text,
    target_from_credential,
)

__all__ = [
    "BY_ISSUER",
    "BY_YEAR",
    "FRESH",
    "FRESHNESS_WEIGHT",
    "MACRO",
    "MICRO",
    "MISSING",
    "PROVEN",
    "REASON_CODE",
    "REASON_NAME",
    "REASON_SYNONYM",
    "STALE",
    "STALE_ONLY",
    "UNVERIFIED",
    "AchievementNode",
    "BadgeRef",
    "CredentialInfo",
    "EarnNext",
    "GapItem",
    "GapReport",
    "HeatCell",
    "Match",
    "Proof",
    "Skill",
    "SkillGroup",
    "SkillIndex",
    "SkillInput",
    "SkillMap",
    "Stack",
    "StackStep",
    "Suggestion",
    "Target",
    "TargetSkill",
    "TopSkill",
    "build_map",
    "cell_proofs",
    "earn_next",
    "freshness_of",
    "gap_report",
    "heat_column",
    "heat_rows",
    "normalise_code",
    "normalise_name",
    "parse_target",
    "render_gap_text",
    "render_text",
    "slim_credential",
    "stacks",
    "target_from_credential",
    "top_skills",
]
