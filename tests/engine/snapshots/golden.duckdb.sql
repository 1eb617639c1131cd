WITH "t7" AS (
  SELECT
    *
  FROM "accounts" AS "t5"
  WHERE
    "t5"."customer_since" <= MAKE_DATE(2024, 6, 30)
), "t10" AS (
  SELECT
    *
  FROM "events" AS "t3"
  WHERE
    "t3"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
), "t26" AS (
  SELECT
    "t18"."account_id" AS "_acc",
    "t18"."name" AS "_input",
    FIRST("t18"."value_number" ORDER BY "t18"."created_at" DESC) AS "_num",
    FIRST("t18"."value_text" ORDER BY "t18"."created_at" DESC) AS "_text",
    MAX("t18"."created_at") AS "_at"
  FROM (
    SELECT
      *
    FROM "csm_inputs" AS "t0"
    WHERE
      "t0"."created_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
      AND (
        (
          "t0"."expires_at" IS NULL
        )
        OR (
          "t0"."expires_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
        )
      )
      AND (
        (
          "t0"."revoked_at" IS NULL
        )
        OR (
          "t0"."revoked_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
        )
      )
      AND "t0"."name" IN ('deployed', 'gut_check')
  ) AS "t18"
  GROUP BY
    1,
    2
)
SELECT
  "t65"."account_id",
  "t65"."segment",
  "t65"."m__tenure_days",
  "t65"."m__industry",
  "t65"."m__seats",
  "t65"."m__events_30d",
  "t65"."m__active_days_30d",
  "t65"."m__users_30d",
  "t65"."age__events_30d",
  "t65"."age__active_days_30d",
  "t65"."age__users_30d",
  "t65"."m__days_since_event",
  "t65"."age__days_since_event",
  "t65"."m__nps",
  "t65"."age__nps",
  "t65"."m__tickets_90d",
  "t65"."age__tickets_90d",
  "t65"."m__gut",
  "t65"."age__gut",
  "t65"."m__deployed",
  "t65"."age__deployed",
  "t65"."m__licence",
  "t65"."g__activity",
  "t65"."g__days",
  "t65"."g__breadth",
  "t65"."g__sentiment",
  "t65"."g__support",
  "t65"."g__gut",
  "t65"."g__licence",
  "t65"."g__setup",
  "t65"."g__industry_fit",
  "t65"."g__deployed",
  "t65"."gs__adoption",
  "t65"."gs__voice",
  "t65"."gs__engagement",
  "t65"."score__health",
  CASE
    WHEN "t65"."score__health" IS NULL
    THEN CAST(NULL AS TEXT)
    WHEN "t65"."score__health" < 60.0
    THEN 'red'
    WHEN "t65"."score__health" < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__health",
  "t65"."coverage__health",
  "t65"."segment__health",
  "t65"."scorecard__health",
  "t65"."w__health__activity",
  "t65"."w__health__activity" * COALESCE("t65"."g__activity", 0.0) * 1.0 AS "c__health__activity",
  "t65"."w__health__breadth",
  "t65"."w__health__breadth" * COALESCE("t65"."g__breadth", 0.0) * 1.0 AS "c__health__breadth",
  "t65"."w__health__days",
  "t65"."w__health__days" * COALESCE("t65"."g__days", 0.0) * 1.0 AS "c__health__days",
  "t65"."w__health__deployed",
  "t65"."w__health__deployed" * COALESCE("t65"."g__deployed", 0.0) * 1.0 AS "c__health__deployed",
  "t65"."w__health__gut",
  "t65"."w__health__gut" * COALESCE("t65"."g__gut", 0.0) * 1.0 AS "c__health__gut",
  "t65"."w__health__industry_fit",
  "t65"."w__health__industry_fit" * COALESCE("t65"."g__industry_fit", 0.0) * 1.0 AS "c__health__industry_fit",
  "t65"."w__health__sentiment",
  "t65"."w__health__sentiment" * COALESCE("t65"."g__sentiment", 0.0) * 1.0 AS "c__health__sentiment",
  "t65"."w__health__setup",
  "t65"."w__health__setup" * COALESCE("t65"."g__setup", 0.0) * 1.0 AS "c__health__setup",
  "t65"."w__health__support",
  "t65"."w__health__support" * COALESCE("t65"."g__support", 0.0) * 1.0 AS "c__health__support",
  "t65"."w__health__adoption",
  "t65"."w__health__adoption" * COALESCE("t65"."gs__adoption", 0.0) * 1.0 AS "c__health__adoption",
  "t65"."w__health__engagement",
  "t65"."w__health__engagement" * COALESCE("t65"."gs__engagement", 0.0) * 1.0 AS "c__health__engagement",
  "t65"."w__health__voice",
  "t65"."w__health__voice" * COALESCE("t65"."gs__voice", 0.0) * 1.0 AS "c__health__voice",
  "t65"."score__expansion",
  CASE
    WHEN "t65"."score__expansion" IS NULL
    THEN CAST(NULL AS TEXT)
    WHEN "t65"."score__expansion" < 60.0
    THEN 'red'
    WHEN "t65"."score__expansion" < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__expansion",
  "t65"."coverage__expansion",
  "t65"."segment__expansion",
  "t65"."scorecard__expansion",
  "t65"."w__expansion__activity",
  "t65"."w__expansion__activity" * COALESCE("t65"."g__activity", 0.0) * 1.0 AS "c__expansion__activity",
  "t65"."w__expansion__licence",
  "t65"."w__expansion__licence" * COALESCE("t65"."g__licence", 0.0) * 1.0 AS "c__expansion__licence"
FROM (
  SELECT
    "t64"."account_id",
    "t64"."segment",
    "t64"."m__tenure_days",
    "t64"."m__industry",
    "t64"."m__seats",
    "t64"."m__events_30d",
    "t64"."m__active_days_30d",
    "t64"."m__users_30d",
    "t64"."age__events_30d",
    "t64"."age__active_days_30d",
    "t64"."age__users_30d",
    "t64"."m__days_since_event",
    "t64"."age__days_since_event",
    "t64"."m__nps",
    "t64"."age__nps",
    "t64"."m__tickets_90d",
    "t64"."age__tickets_90d",
    "t64"."m__gut",
    "t64"."age__gut",
    "t64"."m__deployed",
    "t64"."age__deployed",
    "t64"."m__licence",
    "t64"."g__activity",
    "t64"."g__days",
    "t64"."g__breadth",
    "t64"."g__sentiment",
    "t64"."g__support",
    "t64"."g__gut",
    "t64"."g__licence",
    "t64"."g__setup",
    "t64"."g__industry_fit",
    "t64"."g__deployed",
    "t64"."den__adoption",
    "t64"."gs__adoption",
    "t64"."den__voice",
    "t64"."gs__voice",
    "t64"."den__engagement",
    "t64"."gs__engagement",
    "t64"."den__expansion",
    "t64"."den__onboarding",
    "t64"."den__regulated",
    "t64"."den__standard",
    "t64"."ew__expansion__licence",
    "t64"."ew__expansion__activity",
    "t64"."ew__onboarding__setup",
    "t64"."ew__onboarding__deployed",
    "t64"."ew__onboarding__activity",
    "t64"."ew__regulated__engagement",
    "t64"."ew__regulated__voice",
    "t64"."ew__regulated__support",
    "t64"."ew__regulated__industry_fit",
    "t64"."ew__standard__engagement",
    "t64"."ew__standard__voice",
    "t64"."ew__standard__support",
    "t64"."ew__regulated__adoption",
    "t64"."ew__regulated__setup",
    "t64"."ew__regulated__sentiment",
    "t64"."ew__regulated__gut",
    "t64"."ew__standard__adoption",
    "t64"."ew__standard__setup",
    "t64"."ew__standard__sentiment",
    "t64"."ew__standard__gut",
    "t64"."ew__regulated__activity",
    "t64"."ew__regulated__days",
    "t64"."ew__regulated__breadth",
    "t64"."ew__standard__activity",
    "t64"."ew__standard__days",
    "t64"."ew__standard__breadth",
    "t64"."cs__expansion",
    "t64"."cov__expansion",
    "t64"."cs__onboarding",
    "t64"."cov__onboarding",
    "t64"."cs__regulated",
    "t64"."cov__regulated",
    "t64"."cs__standard",
    "t64"."cov__standard",
    "t64"."segment__health",
    "t64"."segment__expansion",
    "t64"."scorecard__health",
    "t64"."scorecard__expansion",
    CAST(CAST(ROUND(
      CAST((
        (
          CASE
            WHEN "t64"."scorecard__health" = 'onboarding'
            THEN "t64"."cs__onboarding"
            WHEN "t64"."scorecard__health" = 'regulated'
            THEN "t64"."cs__regulated"
            WHEN "t64"."scorecard__health" = 'standard'
            THEN "t64"."cs__standard"
            ELSE CAST(NULL AS DOUBLE)
          END * 100.0
        ) / 100
      ) + 0.0 AS DECIMAL(38, 9)),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE) AS "score__health",
    CASE
      WHEN "t64"."scorecard__health" = 'onboarding'
      THEN "t64"."cov__onboarding"
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."cov__regulated"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."cov__standard"
      ELSE CAST(NULL AS DOUBLE)
    END AS "coverage__health",
    CASE
      WHEN "t64"."scorecard__health" = 'onboarding'
      THEN "t64"."ew__onboarding__activity"
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__activity"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__activity"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__activity",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__breadth"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__breadth"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__breadth",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__days"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__days"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__days",
    CASE
      WHEN "t64"."scorecard__health" = 'onboarding'
      THEN "t64"."ew__onboarding__deployed"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__deployed",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__gut"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__gut"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__gut",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__industry_fit"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__industry_fit",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__sentiment"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__sentiment"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__sentiment",
    CASE
      WHEN "t64"."scorecard__health" = 'onboarding'
      THEN "t64"."ew__onboarding__setup"
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__setup"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__setup"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__setup",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__support"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__support"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__support",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__adoption"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__adoption"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__adoption",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__engagement"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__engagement"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__engagement",
    CASE
      WHEN "t64"."scorecard__health" = 'regulated'
      THEN "t64"."ew__regulated__voice"
      WHEN "t64"."scorecard__health" = 'standard'
      THEN "t64"."ew__standard__voice"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__health__voice",
    CAST(CAST(ROUND(
      CAST((
        (
          CASE
            WHEN "t64"."scorecard__expansion" = 'expansion'
            THEN "t64"."cs__expansion"
            ELSE CAST(NULL AS DOUBLE)
          END * 100.0
        ) / 100
      ) + 0.0 AS DECIMAL(38, 9)),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE) AS "score__expansion",
    CASE
      WHEN "t64"."scorecard__expansion" = 'expansion'
      THEN "t64"."cov__expansion"
      ELSE CAST(NULL AS DOUBLE)
    END AS "coverage__expansion",
    CASE
      WHEN "t64"."scorecard__expansion" = 'expansion'
      THEN "t64"."ew__expansion__activity"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__expansion__activity",
    CASE
      WHEN "t64"."scorecard__expansion" = 'expansion'
      THEN "t64"."ew__expansion__licence"
      ELSE CAST(NULL AS DOUBLE)
    END AS "w__expansion__licence"
  FROM (
    SELECT
      "t63"."account_id",
      "t63"."segment",
      "t63"."m__tenure_days",
      "t63"."m__industry",
      "t63"."m__seats",
      "t63"."m__events_30d",
      "t63"."m__active_days_30d",
      "t63"."m__users_30d",
      "t63"."age__events_30d",
      "t63"."age__active_days_30d",
      "t63"."age__users_30d",
      "t63"."m__days_since_event",
      "t63"."age__days_since_event",
      "t63"."m__nps",
      "t63"."age__nps",
      "t63"."m__tickets_90d",
      "t63"."age__tickets_90d",
      "t63"."m__gut",
      "t63"."age__gut",
      "t63"."m__deployed",
      "t63"."age__deployed",
      "t63"."m__licence",
      "t63"."g__activity",
      "t63"."g__days",
      "t63"."g__breadth",
      "t63"."g__sentiment",
      "t63"."g__support",
      "t63"."g__gut",
      "t63"."g__licence",
      "t63"."g__setup",
      "t63"."g__industry_fit",
      "t63"."g__deployed",
      "t63"."den__adoption",
      "t63"."gs__adoption",
      "t63"."den__voice",
      "t63"."gs__voice",
      "t63"."den__engagement",
      "t63"."gs__engagement",
      "t63"."den__expansion",
      "t63"."den__onboarding",
      "t63"."den__regulated",
      "t63"."den__standard",
      "t63"."ew__expansion__licence",
      "t63"."ew__expansion__activity",
      "t63"."ew__onboarding__setup",
      "t63"."ew__onboarding__deployed",
      "t63"."ew__onboarding__activity",
      "t63"."ew__regulated__engagement",
      "t63"."ew__regulated__voice",
      "t63"."ew__regulated__support",
      "t63"."ew__regulated__industry_fit",
      "t63"."ew__standard__engagement",
      "t63"."ew__standard__voice",
      "t63"."ew__standard__support",
      "t63"."ew__regulated__adoption",
      "t63"."ew__regulated__setup",
      "t63"."ew__regulated__sentiment",
      "t63"."ew__regulated__gut",
      "t63"."ew__standard__adoption",
      "t63"."ew__standard__setup",
      "t63"."ew__standard__sentiment",
      "t63"."ew__standard__gut",
      "t63"."ew__regulated__activity",
      "t63"."ew__regulated__days",
      "t63"."ew__regulated__breadth",
      "t63"."ew__standard__activity",
      "t63"."ew__standard__days",
      "t63"."ew__standard__breadth",
      CASE
        WHEN "t63"."den__expansion" > 0
        THEN 0.0 + (
          "t63"."ew__expansion__activity" * COALESCE("t63"."g__activity", 0.0)
        ) + (
          "t63"."ew__expansion__licence" * COALESCE("t63"."g__licence", 0.0)
        )
        ELSE CAST(NULL AS DOUBLE)
      END AS "cs__expansion",
      CAST(CAST(0.0 + CASE WHEN "t63"."g__activity" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t63"."g__licence" IS NOT NULL THEN 0.5 ELSE 0.0 END AS DECIMAL(38, 9)) AS DOUBLE) AS "cov__expansion",
      CASE
        WHEN "t63"."den__onboarding" > 0
        THEN 0.0 + (
          "t63"."ew__onboarding__activity" * COALESCE("t63"."g__activity", 0.0)
        ) + (
          "t63"."ew__onboarding__deployed" * COALESCE("t63"."g__deployed", 0.0)
        ) + (
          "t63"."ew__onboarding__setup" * COALESCE("t63"."g__setup", 0.0)
        )
        ELSE CAST(NULL AS DOUBLE)
      END AS "cs__onboarding",
      CAST(CAST(0.0 + CASE WHEN "t63"."g__activity" IS NOT NULL THEN 0.2 ELSE 0.0 END + CASE WHEN "t63"."g__deployed" IS NOT NULL THEN 0.4 ELSE 0.0 END + CASE WHEN "t63"."g__setup" IS NOT NULL THEN 0.4 ELSE 0.0 END AS DECIMAL(38, 9)) AS DOUBLE) AS "cov__onboarding",
      CASE
        WHEN "t63"."den__regulated" > 0
        THEN 0.0 + (
          "t63"."ew__regulated__activity" * COALESCE("t63"."g__activity", 0.0)
        ) + (
          "t63"."ew__regulated__breadth" * COALESCE("t63"."g__breadth", 0.0)
        ) + (
          "t63"."ew__regulated__days" * COALESCE("t63"."g__days", 0.0)
        ) + (
          "t63"."ew__regulated__gut" * COALESCE("t63"."g__gut", 0.0)
        ) + (
          "t63"."ew__regulated__industry_fit" * COALESCE("t63"."g__industry_fit", 0.0)
        ) + (
          "t63"."ew__regulated__sentiment" * COALESCE("t63"."g__sentiment", 0.0)
        ) + (
          "t63"."ew__regulated__setup" * COALESCE("t63"."g__setup", 0.0)
        ) + (
          "t63"."ew__regulated__support" * COALESCE("t63"."g__support", 0.0)
        )
        ELSE CAST(NULL AS DOUBLE)
      END AS "cs__regulated",
      CAST(CAST(0.0 + CASE WHEN "t63"."g__activity" IS NOT NULL THEN 0.07500000000000001 ELSE 0.0 END + CASE WHEN "t63"."g__breadth" IS NOT NULL THEN 0.15000000000000002 ELSE 0.0 END + CASE WHEN "t63"."g__days" IS NOT NULL THEN 0.07500000000000001 ELSE 0.0 END + CASE WHEN "t63"."g__gut" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t63"."g__industry_fit" IS NOT NULL THEN 0.2 ELSE 0.0 END + CASE WHEN "t63"."g__sentiment" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t63"."g__setup" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t63"."g__support" IS NOT NULL THEN 0.2 ELSE 0.0 END AS DECIMAL(38, 9)) AS DOUBLE) AS "cov__regulated",
      CASE
        WHEN "t63"."den__standard" > 0
        THEN 0.0 + (
          "t63"."ew__standard__activity" * COALESCE("t63"."g__activity", 0.0)
        ) + (
          "t63"."ew__standard__breadth" * COALESCE("t63"."g__breadth", 0.0)
        ) + (
          "t63"."ew__standard__days" * COALESCE("t63"."g__days", 0.0)
        ) + (
          "t63"."ew__standard__gut" * COALESCE("t63"."g__gut", 0.0)
        ) + (
          "t63"."ew__standard__sentiment" * COALESCE("t63"."g__sentiment", 0.0)
        ) + (
          "t63"."ew__standard__setup" * COALESCE("t63"."g__setup", 0.0)
        ) + (
          "t63"."ew__standard__support" * COALESCE("t63"."g__support", 0.0)
        )
        ELSE CAST(NULL AS DOUBLE)
      END AS "cs__standard",
      CAST(CAST(0.0 + CASE WHEN "t63"."g__activity" IS NOT NULL THEN 0.09375 ELSE 0.0 END + CASE WHEN "t63"."g__breadth" IS NOT NULL THEN 0.1875 ELSE 0.0 END + CASE WHEN "t63"."g__days" IS NOT NULL THEN 0.09375 ELSE 0.0 END + CASE WHEN "t63"."g__gut" IS NOT NULL THEN 0.15 ELSE 0.0 END + CASE WHEN "t63"."g__sentiment" IS NOT NULL THEN 0.15 ELSE 0.0 END + CASE WHEN "t63"."g__setup" IS NOT NULL THEN 0.125 ELSE 0.0 END + CASE WHEN "t63"."g__support" IS NOT NULL THEN 0.2 ELSE 0.0 END AS DECIMAL(38, 9)) AS DOUBLE) AS "cov__standard",
      CASE
        WHEN COALESCE("t63"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t63"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS TEXT)
      END AS "segment__health",
      CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END AS "segment__expansion",
      CASE
        WHEN CASE
          WHEN COALESCE("t63"."m__tenure_days" < 90.0, FALSE)
          THEN 'onboarding'
          WHEN COALESCE("t63"."m__industry" = 'healthcare', FALSE)
          THEN 'regulated'
          WHEN TRUE
          THEN 'standard'
          ELSE CAST(NULL AS TEXT)
        END = 'onboarding'
        THEN 'onboarding'
        WHEN CASE
          WHEN COALESCE("t63"."m__tenure_days" < 90.0, FALSE)
          THEN 'onboarding'
          WHEN COALESCE("t63"."m__industry" = 'healthcare', FALSE)
          THEN 'regulated'
          WHEN TRUE
          THEN 'standard'
          ELSE CAST(NULL AS TEXT)
        END = 'regulated'
        THEN 'regulated'
        WHEN CASE
          WHEN COALESCE("t63"."m__tenure_days" < 90.0, FALSE)
          THEN 'onboarding'
          WHEN COALESCE("t63"."m__industry" = 'healthcare', FALSE)
          THEN 'regulated'
          WHEN TRUE
          THEN 'standard'
          ELSE CAST(NULL AS TEXT)
        END = 'standard'
        THEN 'standard'
        ELSE CAST(NULL AS TEXT)
      END AS "scorecard__health",
      CASE
        WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS TEXT) END = 'all'
        THEN 'expansion'
        ELSE CAST(NULL AS TEXT)
      END AS "scorecard__expansion"
    FROM (
      SELECT
        "t62"."account_id",
        "t62"."segment",
        "t62"."m__tenure_days",
        "t62"."m__industry",
        "t62"."m__seats",
        "t62"."m__events_30d",
        "t62"."m__active_days_30d",
        "t62"."m__users_30d",
        "t62"."age__events_30d",
        "t62"."age__active_days_30d",
        "t62"."age__users_30d",
        "t62"."m__days_since_event",
        "t62"."age__days_since_event",
        "t62"."m__nps",
        "t62"."age__nps",
        "t62"."m__tickets_90d",
        "t62"."age__tickets_90d",
        "t62"."m__gut",
        "t62"."age__gut",
        "t62"."m__deployed",
        "t62"."age__deployed",
        "t62"."m__licence",
        "t62"."g__activity",
        "t62"."g__days",
        "t62"."g__breadth",
        "t62"."g__sentiment",
        "t62"."g__support",
        "t62"."g__gut",
        "t62"."g__licence",
        "t62"."g__setup",
        "t62"."g__industry_fit",
        "t62"."g__deployed",
        "t62"."den__adoption",
        "t62"."gs__adoption",
        "t62"."den__voice",
        "t62"."gs__voice",
        "t62"."den__engagement",
        "t62"."gs__engagement",
        "t62"."den__expansion",
        "t62"."den__onboarding",
        "t62"."den__regulated",
        "t62"."den__standard",
        "t62"."ew__expansion__licence",
        "t62"."ew__expansion__activity",
        "t62"."ew__onboarding__setup",
        "t62"."ew__onboarding__deployed",
        "t62"."ew__onboarding__activity",
        "t62"."ew__regulated__engagement",
        "t62"."ew__regulated__voice",
        "t62"."ew__regulated__support",
        "t62"."ew__regulated__industry_fit",
        "t62"."ew__standard__engagement",
        "t62"."ew__standard__voice",
        "t62"."ew__standard__support",
        "t62"."ew__regulated__adoption",
        "t62"."ew__regulated__setup",
        "t62"."ew__regulated__sentiment",
        "t62"."ew__regulated__gut",
        "t62"."ew__standard__adoption",
        "t62"."ew__standard__setup",
        "t62"."ew__standard__sentiment",
        "t62"."ew__standard__gut",
        "t62"."ew__regulated__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__regulated__activity",
        "t62"."ew__regulated__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__regulated__days",
        "t62"."ew__regulated__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__regulated__breadth",
        "t62"."ew__standard__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__standard__activity",
        "t62"."ew__standard__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__standard__days",
        "t62"."ew__standard__adoption" * CASE
          WHEN "t62"."den__adoption" > 0
          THEN CASE WHEN "t62"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END / "t62"."den__adoption"
          ELSE 0.0
        END AS "ew__standard__breadth"
      FROM (
        SELECT
          "t61"."account_id",
          "t61"."segment",
          "t61"."m__tenure_days",
          "t61"."m__industry",
          "t61"."m__seats",
          "t61"."m__events_30d",
          "t61"."m__active_days_30d",
          "t61"."m__users_30d",
          "t61"."age__events_30d",
          "t61"."age__active_days_30d",
          "t61"."age__users_30d",
          "t61"."m__days_since_event",
          "t61"."age__days_since_event",
          "t61"."m__nps",
          "t61"."age__nps",
          "t61"."m__tickets_90d",
          "t61"."age__tickets_90d",
          "t61"."m__gut",
          "t61"."age__gut",
          "t61"."m__deployed",
          "t61"."age__deployed",
          "t61"."m__licence",
          "t61"."g__activity",
          "t61"."g__days",
          "t61"."g__breadth",
          "t61"."g__sentiment",
          "t61"."g__support",
          "t61"."g__gut",
          "t61"."g__licence",
          "t61"."g__setup",
          "t61"."g__industry_fit",
          "t61"."g__deployed",
          "t61"."den__adoption",
          "t61"."gs__adoption",
          "t61"."den__voice",
          "t61"."gs__voice",
          "t61"."den__engagement",
          "t61"."gs__engagement",
          "t61"."den__expansion",
          "t61"."den__onboarding",
          "t61"."den__regulated",
          "t61"."den__standard",
          "t61"."ew__expansion__licence",
          "t61"."ew__expansion__activity",
          "t61"."ew__onboarding__setup",
          "t61"."ew__onboarding__deployed",
          "t61"."ew__onboarding__activity",
          "t61"."ew__regulated__engagement",
          "t61"."ew__regulated__voice",
          "t61"."ew__regulated__support",
          "t61"."ew__regulated__industry_fit",
          "t61"."ew__standard__engagement",
          "t61"."ew__standard__voice",
          "t61"."ew__standard__support",
          "t61"."ew__regulated__engagement" * CASE
            WHEN "t61"."den__engagement" > 0
            THEN CASE WHEN "t61"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END / "t61"."den__engagement"
            ELSE 0.0
          END AS "ew__regulated__adoption",
          "t61"."ew__regulated__engagement" * CASE
            WHEN "t61"."den__engagement" > 0
            THEN CASE WHEN "t61"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__engagement"
            ELSE 0.0
          END AS "ew__regulated__setup",
          "t61"."ew__regulated__voice" * CASE
            WHEN "t61"."den__voice" > 0
            THEN CASE WHEN "t61"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__voice"
            ELSE 0.0
          END AS "ew__regulated__sentiment",
          "t61"."ew__regulated__voice" * CASE
            WHEN "t61"."den__voice" > 0
            THEN CASE WHEN "t61"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__voice"
            ELSE 0.0
          END AS "ew__regulated__gut",
          "t61"."ew__standard__engagement" * CASE
            WHEN "t61"."den__engagement" > 0
            THEN CASE WHEN "t61"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END / "t61"."den__engagement"
            ELSE 0.0
          END AS "ew__standard__adoption",
          "t61"."ew__standard__engagement" * CASE
            WHEN "t61"."den__engagement" > 0
            THEN CASE WHEN "t61"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__engagement"
            ELSE 0.0
          END AS "ew__standard__setup",
          "t61"."ew__standard__voice" * CASE
            WHEN "t61"."den__voice" > 0
            THEN CASE WHEN "t61"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__voice"
            ELSE 0.0
          END AS "ew__standard__sentiment",
          "t61"."ew__standard__voice" * CASE
            WHEN "t61"."den__voice" > 0
            THEN CASE WHEN "t61"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t61"."den__voice"
            ELSE 0.0
          END AS "ew__standard__gut"
        FROM (
          SELECT
            "t60"."account_id",
            "t60"."segment",
            "t60"."m__tenure_days",
            "t60"."m__industry",
            "t60"."m__seats",
            "t60"."m__events_30d",
            "t60"."m__active_days_30d",
            "t60"."m__users_30d",
            "t60"."age__events_30d",
            "t60"."age__active_days_30d",
            "t60"."age__users_30d",
            "t60"."m__days_since_event",
            "t60"."age__days_since_event",
            "t60"."m__nps",
            "t60"."age__nps",
            "t60"."m__tickets_90d",
            "t60"."age__tickets_90d",
            "t60"."m__gut",
            "t60"."age__gut",
            "t60"."m__deployed",
            "t60"."age__deployed",
            "t60"."m__licence",
            "t60"."g__activity",
            "t60"."g__days",
            "t60"."g__breadth",
            "t60"."g__sentiment",
            "t60"."g__support",
            "t60"."g__gut",
            "t60"."g__licence",
            "t60"."g__setup",
            "t60"."g__industry_fit",
            "t60"."g__deployed",
            "t60"."den__adoption",
            "t60"."gs__adoption",
            "t60"."den__voice",
            "t60"."gs__voice",
            "t60"."den__engagement",
            "t60"."gs__engagement",
            "t60"."den__expansion",
            "t60"."den__onboarding",
            "t60"."den__regulated",
            "t60"."den__standard",
            1.0 * CASE
              WHEN "t60"."den__expansion" > 0
              THEN CASE WHEN "t60"."g__licence" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t60"."den__expansion"
              ELSE 0.0
            END AS "ew__expansion__licence",
            1.0 * CASE
              WHEN "t60"."den__expansion" > 0
              THEN CASE WHEN "t60"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END / "t60"."den__expansion"
              ELSE 0.0
            END AS "ew__expansion__activity",
            1.0 * CASE
              WHEN "t60"."den__onboarding" > 0
              THEN CASE WHEN "t60"."g__setup" IS NOT NULL THEN 40.0 ELSE 0.0 END / "t60"."den__onboarding"
              ELSE 0.0
            END AS "ew__onboarding__setup",
            1.0 * CASE
              WHEN "t60"."den__onboarding" > 0
              THEN CASE WHEN "t60"."g__deployed" IS NOT NULL THEN 40.0 ELSE 0.0 END / "t60"."den__onboarding"
              ELSE 0.0
            END AS "ew__onboarding__deployed",
            1.0 * CASE
              WHEN "t60"."den__onboarding" > 0
              THEN CASE WHEN "t60"."g__activity" IS NOT NULL THEN 20.0 ELSE 0.0 END / "t60"."den__onboarding"
              ELSE 0.0
            END AS "ew__onboarding__activity",
            1.0 * CASE
              WHEN "t60"."den__regulated" > 0
              THEN CASE WHEN "t60"."gs__engagement" IS NOT NULL THEN 40.0 ELSE 0.0 END / "t60"."den__regulated"
              ELSE 0.0
            END AS "ew__regulated__engagement",
            1.0 * CASE
              WHEN "t60"."den__regulated" > 0
              THEN CASE WHEN "t60"."gs__voice" IS NOT NULL THEN 20.0 ELSE 0.0 END / "t60"."den__regulated"
              ELSE 0.0
            END AS "ew__regulated__voice",
            1.0 * CASE
              WHEN "t60"."den__regulated" > 0
              THEN CASE WHEN "t60"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END / "t60"."den__regulated"
              ELSE 0.0
            END AS "ew__regulated__support",
            1.0 * CASE
              WHEN "t60"."den__regulated" > 0
              THEN CASE WHEN "t60"."g__industry_fit" IS NOT NULL THEN 20.0 ELSE 0.0 END / "t60"."den__regulated"
              ELSE 0.0
            END AS "ew__regulated__industry_fit",
            1.0 * CASE
              WHEN "t60"."den__standard" > 0
              THEN CASE WHEN "t60"."gs__engagement" IS NOT NULL THEN 50.0 ELSE 0.0 END / "t60"."den__standard"
              ELSE 0.0
            END AS "ew__standard__engagement",
            1.0 * CASE
              WHEN "t60"."den__standard" > 0
              THEN CASE WHEN "t60"."gs__voice" IS NOT NULL THEN 30.0 ELSE 0.0 END / "t60"."den__standard"
              ELSE 0.0
            END AS "ew__standard__voice",
            1.0 * CASE
              WHEN "t60"."den__standard" > 0
              THEN CASE WHEN "t60"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END / "t60"."den__standard"
              ELSE 0.0
            END AS "ew__standard__support"
          FROM (
            SELECT
              "t59"."account_id",
              "t59"."segment",
              "t59"."m__tenure_days",
              "t59"."m__industry",
              "t59"."m__seats",
              "t59"."m__events_30d",
              "t59"."m__active_days_30d",
              "t59"."m__users_30d",
              "t59"."age__events_30d",
              "t59"."age__active_days_30d",
              "t59"."age__users_30d",
              "t59"."m__days_since_event",
              "t59"."age__days_since_event",
              "t59"."m__nps",
              "t59"."age__nps",
              "t59"."m__tickets_90d",
              "t59"."age__tickets_90d",
              "t59"."m__gut",
              "t59"."age__gut",
              "t59"."m__deployed",
              "t59"."age__deployed",
              "t59"."m__licence",
              "t59"."g__activity",
              "t59"."g__days",
              "t59"."g__breadth",
              "t59"."g__sentiment",
              "t59"."g__support",
              "t59"."g__gut",
              "t59"."g__licence",
              "t59"."g__setup",
              "t59"."g__industry_fit",
              "t59"."g__deployed",
              "t59"."den__adoption",
              "t59"."gs__adoption",
              "t59"."den__voice",
              "t59"."gs__voice",
              "t59"."den__engagement",
              "t59"."gs__engagement",
              0.0 + CASE WHEN "t59"."g__licence" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t59"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__expansion",
              0.0 + CASE WHEN "t59"."g__setup" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t59"."g__deployed" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t59"."g__activity" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__onboarding",
              0.0 + CASE WHEN "t59"."gs__engagement" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t59"."gs__voice" IS NOT NULL THEN 20.0 ELSE 0.0 END + CASE WHEN "t59"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END + CASE WHEN "t59"."g__industry_fit" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__regulated",
              0.0 + CASE WHEN "t59"."gs__engagement" IS NOT NULL THEN 50.0 ELSE 0.0 END + CASE WHEN "t59"."gs__voice" IS NOT NULL THEN 30.0 ELSE 0.0 END + CASE WHEN "t59"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__standard"
            FROM (
              SELECT
                "t58"."account_id",
                "t58"."segment",
                "t58"."m__tenure_days",
                "t58"."m__industry",
                "t58"."m__seats",
                "t58"."m__events_30d",
                "t58"."m__active_days_30d",
                "t58"."m__users_30d",
                "t58"."age__events_30d",
                "t58"."age__active_days_30d",
                "t58"."age__users_30d",
                "t58"."m__days_since_event",
                "t58"."age__days_since_event",
                "t58"."m__nps",
                "t58"."age__nps",
                "t58"."m__tickets_90d",
                "t58"."age__tickets_90d",
                "t58"."m__gut",
                "t58"."age__gut",
                "t58"."m__deployed",
                "t58"."age__deployed",
                "t58"."m__licence",
                "t58"."g__activity",
                "t58"."g__days",
                "t58"."g__breadth",
                "t58"."g__sentiment",
                "t58"."g__support",
                "t58"."g__gut",
                "t58"."g__licence",
                "t58"."g__setup",
                "t58"."g__industry_fit",
                "t58"."g__deployed",
                "t58"."den__adoption",
                "t58"."gs__adoption",
                "t58"."den__voice",
                "t58"."gs__voice",
                0.0 + CASE WHEN "t58"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t58"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__engagement",
                CASE
                  WHEN (
                    0.0 + CASE WHEN "t58"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t58"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END
                  ) = 0
                  THEN CAST(NULL AS DOUBLE)
                  ELSE (
                    0.0 + (
                      COALESCE("t58"."gs__adoption", 0.0) * 3.0
                    ) + (
                      COALESCE("t58"."g__setup", 0.0) * 1.0
                    )
                  ) / (
                    0.0 + CASE WHEN "t58"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t58"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END
                  )
                END AS "gs__engagement"
              FROM (
                SELECT
                  "t57"."account_id",
                  "t57"."segment",
                  "t57"."m__tenure_days",
                  "t57"."m__industry",
                  "t57"."m__seats",
                  "t57"."m__events_30d",
                  "t57"."m__active_days_30d",
                  "t57"."m__users_30d",
                  "t57"."age__events_30d",
                  "t57"."age__active_days_30d",
                  "t57"."age__users_30d",
                  "t57"."m__days_since_event",
                  "t57"."age__days_since_event",
                  "t57"."m__nps",
                  "t57"."age__nps",
                  "t57"."m__tickets_90d",
                  "t57"."age__tickets_90d",
                  "t57"."m__gut",
                  "t57"."age__gut",
                  "t57"."m__deployed",
                  "t57"."age__deployed",
                  "t57"."m__licence",
                  "t57"."g__activity",
                  "t57"."g__days",
                  "t57"."g__breadth",
                  "t57"."g__sentiment",
                  "t57"."g__support",
                  "t57"."g__gut",
                  "t57"."g__licence",
                  "t57"."g__setup",
                  "t57"."g__industry_fit",
                  "t57"."g__deployed",
                  0.0 + CASE WHEN "t57"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END AS "den__adoption",
                  CASE
                    WHEN (
                      0.0 + CASE WHEN "t57"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END
                    ) = 0
                    THEN CAST(NULL AS DOUBLE)
                    ELSE (
                      0.0 + (
                        COALESCE("t57"."g__activity", 0.0) * 1.0
                      ) + (
                        COALESCE("t57"."g__days", 0.0) * 1.0
                      ) + (
                        COALESCE("t57"."g__breadth", 0.0) * 2.0
                      )
                    ) / (
                      0.0 + CASE WHEN "t57"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END
                    )
                  END AS "gs__adoption",
                  0.0 + CASE WHEN "t57"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__voice",
                  CASE
                    WHEN (
                      0.0 + CASE WHEN "t57"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END
                    ) = 0
                    THEN CAST(NULL AS DOUBLE)
                    ELSE (
                      0.0 + (
                        COALESCE("t57"."g__sentiment", 0.0) * 1.0
                      ) + (
                        COALESCE("t57"."g__gut", 0.0) * 1.0
                      )
                    ) / (
                      0.0 + CASE WHEN "t57"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t57"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END
                    )
                  END AS "gs__voice"
                FROM (
                  SELECT
                    "t56"."account_id",
                    "t56"."segment",
                    "t56"."m__tenure_days",
                    "t56"."m__industry",
                    "t56"."m__seats",
                    "t56"."m__events_30d",
                    "t56"."m__active_days_30d",
                    "t56"."m__users_30d",
                    "t56"."age__events_30d",
                    "t56"."age__active_days_30d",
                    "t56"."age__users_30d",
                    "t56"."m__days_since_event",
                    "t56"."age__days_since_event",
                    "t56"."m__nps",
                    "t56"."age__nps",
                    "t56"."m__tickets_90d",
                    "t56"."age__tickets_90d",
                    "t56"."m__gut",
                    "t56"."age__gut",
                    "t56"."m__deployed",
                    "t56"."age__deployed",
                    "t56"."m__licence",
                    CASE
                      WHEN "t56"."m__events_30d" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CASE
                        WHEN "t56"."m__events_30d" >= 10.0
                        THEN 100.0
                        WHEN "t56"."m__events_30d" >= 5.0
                        THEN 80.0
                        WHEN "t56"."m__events_30d" >= 1.0
                        THEN 40.0
                        WHEN "t56"."m__events_30d" >= 0.0
                        THEN 0.0
                        ELSE 0.0
                      END
                    END AS "g__activity",
                    CASE
                      WHEN "t56"."m__active_days_30d" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE GREATEST(
                        0.0,
                        LEAST(
                          100.0,
                          (
                            (
                              CAST("t56"."m__active_days_30d" AS DOUBLE) - 0.0
                            ) / 4.0
                          ) * 100
                        )
                      )
                    END AS "g__days",
                    CASE
                      WHEN "t56"."m__users_30d" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CASE
                        WHEN "t56"."m__users_30d" IS NULL
                        THEN CAST(NULL AS DOUBLE)
                        WHEN COUNT("t56"."m__users_30d") OVER (
                          PARTITION BY "t56"."m__users_30d" IS NULL, "t56"."segment"
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                        ) = 1
                        THEN 0.5
                        ELSE (
                          CAST(ROUND(
                            CUME_DIST() OVER (
                              PARTITION BY "t56"."m__users_30d" IS NULL, "t56"."segment"
                              ORDER BY "t56"."m__users_30d" ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ) * COUNT("t56"."m__users_30d") OVER (
                              PARTITION BY "t56"."m__users_30d" IS NULL, "t56"."segment"
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ),
                            0
                          ) AS BIGINT) - 1
                        ) / (
                          COUNT("t56"."m__users_30d") OVER (
                            PARTITION BY "t56"."m__users_30d" IS NULL, "t56"."segment"
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) - 1
                        )
                      END * 100
                    END AS "g__breadth",
                    COALESCE(
                      CASE
                        WHEN "t56"."m__nps" IS NULL
                        THEN CAST(NULL AS DOUBLE)
                        ELSE CASE
                          WHEN "t56"."m__nps" >= 9
                          THEN 100.0
                          WHEN "t56"."m__nps" >= 7
                          THEN 50.0
                          WHEN "t56"."m__nps" >= 0
                          THEN 0.0
                          ELSE NULL
                        END
                      END,
                      50.0
                    ) AS "g__sentiment",
                    CASE
                      WHEN COALESCE(
                        COALESCE("t56"."m__tickets_90d" = 0.0, FALSE)
                        AND COALESCE("t56"."m__events_30d" = 0.0, FALSE),
                        FALSE
                      )
                      THEN 0.0
                      ELSE CASE
                        WHEN "t56"."m__tickets_90d" IS NULL
                        THEN CAST(NULL AS DOUBLE)
                        ELSE CASE
                          WHEN CASE
                            WHEN "t56"."m__tickets_90d" IS NULL
                            THEN CAST(NULL AS DOUBLE)
                            WHEN COUNT("t56"."m__tickets_90d") OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ) = 1
                            THEN 0.5
                            ELSE CUME_DIST() OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ORDER BY -(
                                "t56"."m__tickets_90d"
                              ) ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            )
                          END IS NULL
                          THEN CAST(NULL AS DOUBLE)
                          WHEN CASE
                            WHEN "t56"."m__tickets_90d" IS NULL
                            THEN CAST(NULL AS DOUBLE)
                            WHEN COUNT("t56"."m__tickets_90d") OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ) = 1
                            THEN 0.5
                            ELSE CUME_DIST() OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ORDER BY -(
                                "t56"."m__tickets_90d"
                              ) ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            )
                          END <= 0.3333333333333333
                          THEN 0.0
                          WHEN CASE
                            WHEN "t56"."m__tickets_90d" IS NULL
                            THEN CAST(NULL AS DOUBLE)
                            WHEN COUNT("t56"."m__tickets_90d") OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ) = 1
                            THEN 0.5
                            ELSE CUME_DIST() OVER (
                              PARTITION BY "t56"."m__tickets_90d" IS NULL
                              ORDER BY -(
                                "t56"."m__tickets_90d"
                              ) ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            )
                          END <= 0.6666666666666666
                          THEN 50.0
                          ELSE 100.0
                        END
                      END
                    END AS "g__support",
                    CASE
                      WHEN "t56"."m__gut" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE GREATEST(0.0, LEAST(100.0, (
                        (
                          "t56"."m__gut" - 0.0
                        ) / 10.0
                      ) * 100))
                    END AS "g__gut",
                    CASE
                      WHEN "t56"."m__licence" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CAST(CAST(GREATEST(
                        0.0,
                        LEAST(
                          100.0,
                          (
                            CASE
                              WHEN STDDEV_SAMP("t56"."m__licence") OVER (
                                PARTITION BY "t56"."m__licence" IS NULL
                                ORDER BY "t56"."m__licence" ASC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                              ) = 0
                              THEN 0.0
                              ELSE (
                                "t56"."m__licence" - AVG("t56"."m__licence") OVER (
                                  PARTITION BY "t56"."m__licence" IS NULL
                                  ORDER BY "t56"."m__licence" ASC
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                                )
                              ) / STDDEV_SAMP("t56"."m__licence") OVER (
                                PARTITION BY "t56"."m__licence" IS NULL
                                ORDER BY "t56"."m__licence" ASC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                              )
                            END * 25
                          ) + 50
                        )
                      ) AS DECIMAL(38, 9)) AS DOUBLE)
                    END AS "g__licence",
                    CASE
                      WHEN "t56"."m__days_since_event" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CAST(CAST((
                        POWER(0.5, (
                          CAST("t56"."m__days_since_event" AS DOUBLE) / 14.0
                        ))
                      ) * 100 AS DECIMAL(38, 9)) AS DOUBLE)
                    END AS "g__setup",
                    CASE
                      WHEN "t56"."m__industry" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CASE
                        WHEN "t56"."m__industry" = 'retail'
                        THEN 60.0
                        WHEN "t56"."m__industry" = 'healthcare'
                        THEN 90.0
                        ELSE 0.0
                      END
                    END AS "g__industry_fit",
                    CASE
                      WHEN "t56"."m__deployed" IS NULL
                      THEN CAST(NULL AS DOUBLE)
                      ELSE CASE WHEN "t56"."m__deployed" <> 0 THEN 100.0 ELSE 0.0 END
                    END AS "g__deployed"
                  FROM (
                    SELECT
                      "t55"."account_id",
                      "t55"."segment",
                      "t55"."m__tenure_days",
                      "t55"."m__industry",
                      "t55"."m__seats",
                      "t55"."m__events_30d",
                      "t55"."m__active_days_30d",
                      "t55"."m__users_30d",
                      "t55"."age__events_30d",
                      "t55"."age__active_days_30d",
                      "t55"."age__users_30d",
                      "t55"."m__days_since_event",
                      "t55"."age__days_since_event",
                      "t55"."m__nps",
                      "t55"."age__nps",
                      "t55"."m__tickets_90d",
                      "t55"."age__tickets_90d",
                      "t55"."m__gut",
                      "t55"."age__gut",
                      "t55"."m__deployed",
                      "t55"."age__deployed",
                      CASE
                        WHEN CAST("t55"."m__seats" AS DOUBLE) = 0
                        THEN CAST(NULL AS DOUBLE)
                        ELSE CAST("t55"."m__users_30d" AS DOUBLE) / CAST("t55"."m__seats" AS DOUBLE)
                      END AS "m__licence"
                    FROM (
                      SELECT
                        "t54"."account_id",
                        "t54"."segment",
                        "t54"."m__tenure_days",
                        "t54"."m__industry",
                        "t54"."m__seats",
                        "t54"."m__events_30d",
                        "t54"."m__active_days_30d",
                        "t54"."m__users_30d",
                        "t54"."age__events_30d",
                        "t54"."age__active_days_30d",
                        "t54"."age__users_30d",
                        "t54"."m__days_since_event",
                        "t54"."age__days_since_event",
                        "t54"."m__nps",
                        "t54"."age__nps",
                        "t54"."m__tickets_90d",
                        "t54"."age__tickets_90d",
                        "t41"."_num" AS "m__gut",
                        DATE_DIFF('DAY', CAST("t41"."_at" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__gut",
                        "t42"."_num" AS "m__deployed",
                        DATE_DIFF('DAY', CAST("t42"."_at" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__deployed"
                      FROM (
                        SELECT
                          "t52"."account_id",
                          "t52"."segment",
                          "t52"."m__tenure_days",
                          "t52"."m__industry",
                          "t52"."m__seats",
                          "t52"."m__events_30d",
                          "t52"."m__active_days_30d",
                          "t52"."m__users_30d",
                          "t52"."age__events_30d",
                          "t52"."age__active_days_30d",
                          "t52"."age__users_30d",
                          "t52"."m__days_since_event",
                          "t52"."age__days_since_event",
                          "t52"."m__nps",
                          "t52"."age__nps",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "tickets" AS "t2"
                                WHERE
                                  "t2"."opened_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                LIMIT 1
                              ) AS "t17"
                            )
                            THEN COALESCE("t52"."m__tickets_90d", 0)
                            ELSE "t52"."m__tickets_90d"
                          END AS "m__tickets_90d",
                          "t52"."age__tickets_90d"
                        FROM (
                          SELECT
                            "t51"."account_id",
                            "t51"."segment",
                            "t51"."m__tenure_days",
                            "t51"."m__industry",
                            "t51"."m__seats",
                            "t51"."m__events_30d",
                            "t51"."m__active_days_30d",
                            "t51"."m__users_30d",
                            "t51"."age__events_30d",
                            "t51"."age__active_days_30d",
                            "t51"."age__users_30d",
                            "t38"."m__days_since_event",
                            DATE_DIFF('DAY', CAST("t38"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__days_since_event",
                            "t27"."m__nps",
                            DATE_DIFF('DAY', CAST("t27"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__nps",
                            "t28"."m__tickets_90d",
                            DATE_DIFF('DAY', CAST("t28"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__tickets_90d"
                          FROM (
                            SELECT
                              "t49"."account_id",
                              "t49"."segment",
                              "t49"."m__tenure_days",
                              "t49"."m__industry",
                              "t49"."m__seats",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "t10" AS "t19"
                                    LIMIT 1
                                  ) AS "t22"
                                )
                                THEN COALESCE("t49"."m__events_30d", 0)
                                ELSE "t49"."m__events_30d"
                              END AS "m__events_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "t10" AS "t19"
                                    LIMIT 1
                                  ) AS "t22"
                                )
                                THEN COALESCE("t49"."m__active_days_30d", 0)
                                ELSE "t49"."m__active_days_30d"
                              END AS "m__active_days_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "t10" AS "t19"
                                    LIMIT 1
                                  ) AS "t22"
                                )
                                THEN COALESCE("t49"."m__users_30d", 0)
                                ELSE "t49"."m__users_30d"
                              END AS "m__users_30d",
                              "t49"."age__events_30d",
                              "t49"."age__active_days_30d",
                              "t49"."age__users_30d"
                            FROM (
                              SELECT
                                "t48"."account_id",
                                "t48"."segment",
                                "t48"."m__tenure_days",
                                "t48"."m__industry",
                                "t48"."m__seats",
                                "t34"."m__events_30d",
                                "t34"."m__active_days_30d",
                                "t34"."m__users_30d",
                                DATE_DIFF('DAY', CAST("t34"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__events_30d",
                                DATE_DIFF('DAY', CAST("t34"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__active_days_30d",
                                DATE_DIFF('DAY', CAST("t34"."_newest" AS DATE), MAKE_DATE(2024, 6, 30)) AS "age__users_30d"
                              FROM (
                                SELECT
                                  "t46"."account_id",
                                  "t46"."segment",
                                  DATE_DIFF('DAY', "t46"."customer_since", MAKE_DATE(2024, 6, 30)) AS "m__tenure_days",
                                  "t46"."industry" AS "m__industry",
                                  "t46"."seats" AS "m__seats"
                                FROM (
                                  SELECT
                                    "t45"."account_id",
                                    "t45"."name",
                                    "t45"."owner",
                                    "t45"."plan",
                                    "t45"."arr",
                                    "t45"."customer_since",
                                    "t45"."renewal_date",
                                    "t45"."parent_id",
                                    "t45"."attributes",
                                    "t45"."updated_at",
                                    CASE
                                      WHEN "t33"."_version_of" IS NOT NULL
                                      THEN "t33"."_v_industry"
                                      ELSE "t45"."industry"
                                    END AS "industry",
                                    CASE
                                      WHEN "t33"."_version_of" IS NOT NULL
                                      THEN "t33"."_v_seats"
                                      ELSE "t45"."seats"
                                    END AS "seats",
                                    CASE
                                      WHEN "t33"."_version_of" IS NOT NULL
                                      THEN "t33"."_v_segment"
                                      ELSE "t45"."segment"
                                    END AS "segment"
                                  FROM (
                                    SELECT
                                      "t43"."id" AS "account_id",
                                      "t43"."name",
                                      "t43"."owner",
                                      "t43"."segment",
                                      "t43"."industry",
                                      "t43"."plan",
                                      "t43"."arr",
                                      "t43"."seats",
                                      "t43"."customer_since",
                                      "t43"."renewal_date",
                                      "t43"."parent_id",
                                      "t43"."attributes",
                                      "t43"."updated_at"
                                    FROM (
                                      SELECT
                                        "t20"."id",
                                        "t20"."name",
                                        "t20"."owner",
                                        "t20"."segment",
                                        "t20"."industry",
                                        "t20"."plan",
                                        "t20"."arr",
                                        "t20"."seats",
                                        "t20"."customer_since",
                                        "t20"."renewal_date",
                                        "t20"."parent_id",
                                        "t20"."attributes",
                                        "t20"."updated_at"
                                      FROM "t7" AS "t20"
                                      ANTI JOIN (
                                        SELECT
                                          "t16"."account_id" AS "gid"
                                        FROM (
                                          SELECT
                                            *
                                          FROM "outcomes" AS "t6"
                                          WHERE
                                            "t6"."kind" = 'churned' AND "t6"."date" <= MAKE_DATE(2024, 6, 30)
                                        ) AS "t16"
                                        INNER JOIN "t7" AS "t21"
                                          ON "t16"."account_id" = "t21"."id" AND "t16"."date" >= "t21"."customer_since"
                                      ) AS "t37"
                                        ON "t20"."id" = "t37"."gid"
                                    ) AS "t43"
                                  ) AS "t45"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      "t13"."id" AS "_version_of",
                                      "t13"."industry" AS "_v_industry",
                                      "t13"."seats" AS "_v_seats",
                                      "t13"."segment" AS "_v_segment"
                                    FROM (
                                      SELECT
                                        "t4"."id",
                                        "t4"."name",
                                        "t4"."owner",
                                        "t4"."segment",
                                        "t4"."industry",
                                        "t4"."plan",
                                        "t4"."arr",
                                        "t4"."seats",
                                        "t4"."customer_since",
                                        "t4"."renewal_date",
                                        "t4"."parent_id",
                                        "t4"."attributes",
                                        "t4"."updated_at",
                                        "t4"."valid_from",
                                        "t4"."valid_to",
                                        MIN("t4"."valid_from") OVER (PARTITION BY "t4"."id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_first"
                                      FROM "account_versions" AS "t4"
                                    ) AS "t13"
                                    WHERE
                                      (
                                        (
                                          "t13"."valid_from" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                        )
                                        OR (
                                          "t13"."valid_from" = "t13"."_first"
                                        )
                                      )
                                      AND (
                                        (
                                          "t13"."valid_to" IS NULL
                                        )
                                        OR (
                                          "t13"."valid_to" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                        )
                                      )
                                  ) AS "t33"
                                    ON "t45"."account_id" = "t33"."_version_of"
                                ) AS "t46"
                              ) AS "t48"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t14"."account_id" AS "_account",
                                  COUNT(*) AS "m__events_30d",
                                  COUNT(DISTINCT CAST("t14"."timestamp" AS DATE)) AS "m__active_days_30d",
                                  COUNT(DISTINCT "t14"."user_id") AS "m__users_30d",
                                  MAX("t14"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t3"
                                  WHERE
                                    "t3"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                    AND "t3"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29' DAY AS TIMESTAMP)
                                ) AS "t14"
                                GROUP BY
                                  1
                              ) AS "t34"
                                ON "t48"."account_id" = "t34"."_account"
                            ) AS "t49"
                          ) AS "t51"
                          LEFT OUTER JOIN (
                            SELECT
                              "t19"."account_id" AS "_account",
                              DATE_DIFF('DAY', CAST(MAX("t19"."timestamp") AS DATE), MAKE_DATE(2024, 6, 30)) AS "m__days_since_event",
                              MAX("t19"."timestamp") AS "_newest"
                            FROM "t10" AS "t19"
                            GROUP BY
                              1
                          ) AS "t38"
                            ON "t51"."account_id" = "t38"."_account"
                          LEFT OUTER JOIN (
                            SELECT
                              "t11"."account_id" AS "_account",
                              FIRST("t11"."score" ORDER BY "t11"."responded_at" DESC) AS "m__nps",
                              MAX("t11"."responded_at") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "surveys" AS "t1"
                              WHERE
                                "t1"."responded_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                AND "t1"."responded_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-364' DAY AS TIMESTAMP)
                                AND "t1"."kind" IN ('nps')
                            ) AS "t11"
                            GROUP BY
                              1
                          ) AS "t27"
                            ON "t51"."account_id" = "t27"."_account"
                          LEFT OUTER JOIN (
                            SELECT
                              "t12"."account_id" AS "_account",
                              COUNT(*) AS "m__tickets_90d",
                              MAX("t12"."opened_at") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "tickets" AS "t2"
                              WHERE
                                "t2"."opened_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1' DAY AS TIMESTAMP)
                                AND "t2"."opened_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-89' DAY AS TIMESTAMP)
                            ) AS "t12"
                            GROUP BY
                              1
                          ) AS "t28"
                            ON "t51"."account_id" = "t28"."_account"
                        ) AS "t52"
                      ) AS "t54"
                      LEFT OUTER JOIN (
                        SELECT
                          *
                        FROM "t26" AS "t31"
                        WHERE
                          "t31"."_input" = 'gut_check'
                      ) AS "t41"
                        ON "t54"."account_id" = "t41"."_acc"
                      LEFT OUTER JOIN (
                        SELECT
                          *
                        FROM "t26" AS "t31"
                        WHERE
                          "t31"."_input" = 'deployed'
                      ) AS "t42"
                        ON "t54"."account_id" = "t42"."_acc"
                    ) AS "t55"
                  ) AS "t56"
                ) AS "t57"
              ) AS "t58"
            ) AS "t59"
          ) AS "t60"
        ) AS "t61"
      ) AS "t62"
    ) AS "t63"
  ) AS "t64"
) AS "t65"
