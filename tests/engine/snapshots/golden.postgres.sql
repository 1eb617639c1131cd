WITH "t6" AS (
  SELECT
    *
  FROM "accounts" AS "t4"
  WHERE
    "t4"."customer_since" <= MAKE_DATE(2024, 6, 30)
), "t9" AS (
  SELECT
    *
  FROM "events" AS "t3"
  WHERE
    "t3"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
), "t24" AS (
  SELECT
    "t16"."account_id" AS "_acc",
    "t16"."name" AS "_input",
    (
      ARRAY_AGG("t16"."value_number" ORDER BY "t16"."created_at" DESC NULLS LAST) FILTER(WHERE
        "t16"."created_at" IS NOT NULL)
    )[1] AS "_num",
    (
      ARRAY_AGG("t16"."value_text" ORDER BY "t16"."created_at" DESC NULLS LAST) FILTER(WHERE
        "t16"."created_at" IS NOT NULL)
    )[1] AS "_text",
    MAX("t16"."created_at") AS "_at"
  FROM (
    SELECT
      *
    FROM "csm_inputs" AS "t0"
    WHERE
      "t0"."created_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
      AND (
        (
          "t0"."expires_at" IS NULL
        )
        OR (
          "t0"."expires_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
        )
      )
      AND (
        (
          "t0"."revoked_at" IS NULL
        )
        OR (
          "t0"."revoked_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
        )
      )
      AND "t0"."name" IN ('deployed', 'gut_check')
  ) AS "t16"
  GROUP BY
    1,
    2
)
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
  "t56"."m__licence",
  "t56"."m__gut",
  "t56"."age__gut",
  "t56"."m__deployed",
  "t56"."age__deployed",
  "t56"."g__activity",
  "t56"."g__days",
  "t56"."g__breadth",
  "t56"."g__sentiment",
  "t56"."g__support",
  "t56"."g__gut",
  "t56"."g__licence",
  "t56"."g__setup",
  "t56"."g__industry_fit",
  "t56"."g__deployed",
  "t56"."gs__adoption",
  "t56"."gs__voice",
  "t56"."gs__engagement",
  CAST(CAST(ROUND(
    CAST(CAST((
      CAST((
        CASE
          WHEN CASE
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN 'onboarding'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN 'regulated'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN 'standard'
            ELSE CAST(NULL AS VARCHAR)
          END = 'onboarding'
          THEN "t56"."cs__onboarding"
          WHEN CASE
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN 'onboarding'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN 'regulated'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN 'standard'
            ELSE CAST(NULL AS VARCHAR)
          END = 'regulated'
          THEN "t56"."cs__regulated"
          WHEN CASE
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN 'onboarding'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN 'regulated'
            WHEN CASE
              WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
              THEN 'onboarding'
              WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
              THEN 'regulated'
              WHEN TRUE
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN 'standard'
            ELSE CAST(NULL AS VARCHAR)
          END = 'standard'
          THEN "t56"."cs__standard"
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END * 100.0
      ) AS DOUBLE PRECISION) / 100
    ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
    1
  ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) AS "score__health",
  CASE
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN "t56"."cs__onboarding"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN "t56"."cs__regulated"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN "t56"."cs__standard"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) IS NULL
    THEN CAST(NULL AS VARCHAR)
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN "t56"."cs__onboarding"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN "t56"."cs__regulated"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN "t56"."cs__standard"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) < 60.0
    THEN 'red'
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'onboarding'
            THEN "t56"."cs__onboarding"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'regulated'
            THEN "t56"."cs__regulated"
            WHEN CASE
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'onboarding'
              THEN 'onboarding'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'regulated'
              THEN 'regulated'
              WHEN CASE
                WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
                THEN 'onboarding'
                WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
                THEN 'regulated'
                WHEN TRUE
                THEN 'standard'
                ELSE CAST(NULL AS VARCHAR)
              END = 'standard'
              THEN 'standard'
              ELSE CAST(NULL AS VARCHAR)
            END = 'standard'
            THEN "t56"."cs__standard"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__health",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."cov__onboarding"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."cov__regulated"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."cov__standard"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "coverage__health",
  CASE
    WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
    THEN 'onboarding'
    WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
    THEN 'regulated'
    WHEN TRUE
    THEN 'standard'
    ELSE CAST(NULL AS VARCHAR)
  END AS "segment__health",
  CASE
    WHEN CASE
      WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
      THEN 'onboarding'
      WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
      THEN 'regulated'
      WHEN TRUE
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN 'onboarding'
    WHEN CASE
      WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
      THEN 'onboarding'
      WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
      THEN 'regulated'
      WHEN TRUE
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN 'regulated'
    WHEN CASE
      WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
      THEN 'onboarding'
      WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
      THEN 'regulated'
      WHEN TRUE
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN 'standard'
    ELSE CAST(NULL AS VARCHAR)
  END AS "scorecard__health",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__activity"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__activity"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__activity"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__activity",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__activity"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__activity"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__activity"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__activity", 0.0) * 1.0 AS "c__health__activity",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__breadth"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__breadth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__breadth",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__breadth"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__breadth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__breadth", 0.0) * 1.0 AS "c__health__breadth",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__days"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__days"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__days",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__days"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__days"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__days", 0.0) * 1.0 AS "c__health__days",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__deployed"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__deployed",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__deployed"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__deployed", 0.0) * 1.0 AS "c__health__deployed",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__gut"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__gut"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__gut",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__gut"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__gut"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__gut", 0.0) * 1.0 AS "c__health__gut",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__industry_fit"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__industry_fit",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__industry_fit"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__industry_fit", 0.0) * 1.0 AS "c__health__industry_fit",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__sentiment"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__sentiment"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__sentiment",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__sentiment"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__sentiment"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__sentiment", 0.0) * 1.0 AS "c__health__sentiment",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__setup"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__setup"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__setup"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__setup",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'onboarding'
    THEN "t56"."ew__onboarding__setup"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__setup"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__setup"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__setup", 0.0) * 1.0 AS "c__health__setup",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__support"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__support"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__support",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__support"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__support"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__support", 0.0) * 1.0 AS "c__health__support",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__adoption"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__adoption"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__adoption",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__adoption"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__adoption"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."gs__adoption", 0.0) * 1.0 AS "c__health__adoption",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__engagement"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__engagement"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__engagement",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__engagement"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__engagement"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."gs__engagement", 0.0) * 1.0 AS "c__health__engagement",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__voice"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__voice"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__voice",
  CASE
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'regulated'
    THEN "t56"."ew__regulated__voice"
    WHEN CASE
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'onboarding'
      THEN 'onboarding'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'regulated'
      THEN 'regulated'
      WHEN CASE
        WHEN COALESCE("t56"."m__tenure_days" < 90.0, FALSE)
        THEN 'onboarding'
        WHEN COALESCE("t56"."m__industry" = 'healthcare', FALSE)
        THEN 'regulated'
        WHEN TRUE
        THEN 'standard'
        ELSE CAST(NULL AS VARCHAR)
      END = 'standard'
      THEN 'standard'
      ELSE CAST(NULL AS VARCHAR)
    END = 'standard'
    THEN "t56"."ew__standard__voice"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."gs__voice", 0.0) * 1.0 AS "c__health__voice",
  CAST(CAST(ROUND(
    CAST(CAST((
      CAST((
        CASE
          WHEN CASE
            WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
            THEN 'expansion'
            ELSE CAST(NULL AS VARCHAR)
          END = 'expansion'
          THEN "t56"."cs__expansion"
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END * 100.0
      ) AS DOUBLE PRECISION) / 100
    ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
    1
  ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) AS "score__expansion",
  CASE
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'expansion'
              ELSE CAST(NULL AS VARCHAR)
            END = 'expansion'
            THEN "t56"."cs__expansion"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) IS NULL
    THEN CAST(NULL AS VARCHAR)
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'expansion'
              ELSE CAST(NULL AS VARCHAR)
            END = 'expansion'
            THEN "t56"."cs__expansion"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) < 60.0
    THEN 'red'
    WHEN CAST(CAST(ROUND(
      CAST(CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'expansion'
              ELSE CAST(NULL AS VARCHAR)
            END = 'expansion'
            THEN "t56"."cs__expansion"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL(38, 9)) AS DECIMAL),
      1
    ) AS DECIMAL(38, 1)) AS DOUBLE PRECISION) < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__expansion",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'expansion'
      ELSE CAST(NULL AS VARCHAR)
    END = 'expansion'
    THEN "t56"."cov__expansion"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "coverage__expansion",
  CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END AS "segment__expansion",
  CASE
    WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
    THEN 'expansion'
    ELSE CAST(NULL AS VARCHAR)
  END AS "scorecard__expansion",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'expansion'
      ELSE CAST(NULL AS VARCHAR)
    END = 'expansion'
    THEN "t56"."ew__expansion__activity"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__expansion__activity",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'expansion'
      ELSE CAST(NULL AS VARCHAR)
    END = 'expansion'
    THEN "t56"."ew__expansion__activity"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__activity", 0.0) * 1.0 AS "c__expansion__activity",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'expansion'
      ELSE CAST(NULL AS VARCHAR)
    END = 'expansion'
    THEN "t56"."ew__expansion__licence"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__expansion__licence",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'expansion'
      ELSE CAST(NULL AS VARCHAR)
    END = 'expansion'
    THEN "t56"."ew__expansion__licence"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t56"."g__licence", 0.0) * 1.0 AS "c__expansion__licence"
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
    "t55"."m__licence",
    "t55"."m__gut",
    "t55"."age__gut",
    "t55"."m__deployed",
    "t55"."age__deployed",
    "t55"."g__activity",
    "t55"."g__days",
    "t55"."g__breadth",
    "t55"."g__sentiment",
    "t55"."g__support",
    "t55"."g__gut",
    "t55"."g__licence",
    "t55"."g__setup",
    "t55"."g__industry_fit",
    "t55"."g__deployed",
    "t55"."den__adoption",
    "t55"."gs__adoption",
    "t55"."den__voice",
    "t55"."gs__voice",
    "t55"."den__engagement",
    "t55"."gs__engagement",
    "t55"."den__expansion",
    "t55"."den__onboarding",
    "t55"."den__regulated",
    "t55"."den__standard",
    "t55"."ew__expansion__licence",
    "t55"."ew__expansion__activity",
    "t55"."ew__onboarding__setup",
    "t55"."ew__onboarding__deployed",
    "t55"."ew__onboarding__activity",
    "t55"."ew__regulated__engagement",
    "t55"."ew__regulated__voice",
    "t55"."ew__regulated__support",
    "t55"."ew__regulated__industry_fit",
    "t55"."ew__standard__engagement",
    "t55"."ew__standard__voice",
    "t55"."ew__standard__support",
    "t55"."ew__regulated__adoption",
    "t55"."ew__regulated__setup",
    "t55"."ew__regulated__sentiment",
    "t55"."ew__regulated__gut",
    "t55"."ew__standard__adoption",
    "t55"."ew__standard__setup",
    "t55"."ew__standard__sentiment",
    "t55"."ew__standard__gut",
    "t55"."ew__regulated__activity",
    "t55"."ew__regulated__days",
    "t55"."ew__regulated__breadth",
    "t55"."ew__standard__activity",
    "t55"."ew__standard__days",
    "t55"."ew__standard__breadth",
    CASE
      WHEN "t55"."den__expansion" > 0
      THEN 0.0 + (
        "t55"."ew__expansion__activity" * COALESCE("t55"."g__activity", 0.0)
      ) + (
        "t55"."ew__expansion__licence" * COALESCE("t55"."g__licence", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__expansion",
    0.0 + CASE WHEN "t55"."g__activity" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t55"."g__licence" IS NOT NULL THEN 0.5 ELSE 0.0 END AS "cov__expansion",
    CASE
      WHEN "t55"."den__onboarding" > 0
      THEN 0.0 + (
        "t55"."ew__onboarding__activity" * COALESCE("t55"."g__activity", 0.0)
      ) + (
        "t55"."ew__onboarding__deployed" * COALESCE("t55"."g__deployed", 0.0)
      ) + (
        "t55"."ew__onboarding__setup" * COALESCE("t55"."g__setup", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__onboarding",
    0.0 + CASE WHEN "t55"."g__activity" IS NOT NULL THEN 0.2 ELSE 0.0 END + CASE WHEN "t55"."g__deployed" IS NOT NULL THEN 0.4 ELSE 0.0 END + CASE WHEN "t55"."g__setup" IS NOT NULL THEN 0.4 ELSE 0.0 END AS "cov__onboarding",
    CASE
      WHEN "t55"."den__regulated" > 0
      THEN 0.0 + (
        "t55"."ew__regulated__activity" * COALESCE("t55"."g__activity", 0.0)
      ) + (
        "t55"."ew__regulated__breadth" * COALESCE("t55"."g__breadth", 0.0)
      ) + (
        "t55"."ew__regulated__days" * COALESCE("t55"."g__days", 0.0)
      ) + (
        "t55"."ew__regulated__gut" * COALESCE("t55"."g__gut", 0.0)
      ) + (
        "t55"."ew__regulated__industry_fit" * COALESCE("t55"."g__industry_fit", 0.0)
      ) + (
        "t55"."ew__regulated__sentiment" * COALESCE("t55"."g__sentiment", 0.0)
      ) + (
        "t55"."ew__regulated__setup" * COALESCE("t55"."g__setup", 0.0)
      ) + (
        "t55"."ew__regulated__support" * COALESCE("t55"."g__support", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__regulated",
    0.0 + CASE WHEN "t55"."g__activity" IS NOT NULL THEN 0.07500000000000001 ELSE 0.0 END + CASE WHEN "t55"."g__breadth" IS NOT NULL THEN 0.15000000000000002 ELSE 0.0 END + CASE WHEN "t55"."g__days" IS NOT NULL THEN 0.07500000000000001 ELSE 0.0 END + CASE WHEN "t55"."g__gut" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t55"."g__industry_fit" IS NOT NULL THEN 0.2 ELSE 0.0 END + CASE WHEN "t55"."g__sentiment" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t55"."g__setup" IS NOT NULL THEN 0.1 ELSE 0.0 END + CASE WHEN "t55"."g__support" IS NOT NULL THEN 0.2 ELSE 0.0 END AS "cov__regulated",
    CASE
      WHEN "t55"."den__standard" > 0
      THEN 0.0 + (
        "t55"."ew__standard__activity" * COALESCE("t55"."g__activity", 0.0)
      ) + (
        "t55"."ew__standard__breadth" * COALESCE("t55"."g__breadth", 0.0)
      ) + (
        "t55"."ew__standard__days" * COALESCE("t55"."g__days", 0.0)
      ) + (
        "t55"."ew__standard__gut" * COALESCE("t55"."g__gut", 0.0)
      ) + (
        "t55"."ew__standard__sentiment" * COALESCE("t55"."g__sentiment", 0.0)
      ) + (
        "t55"."ew__standard__setup" * COALESCE("t55"."g__setup", 0.0)
      ) + (
        "t55"."ew__standard__support" * COALESCE("t55"."g__support", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__standard",
    0.0 + CASE WHEN "t55"."g__activity" IS NOT NULL THEN 0.09375 ELSE 0.0 END + CASE WHEN "t55"."g__breadth" IS NOT NULL THEN 0.1875 ELSE 0.0 END + CASE WHEN "t55"."g__days" IS NOT NULL THEN 0.09375 ELSE 0.0 END + CASE WHEN "t55"."g__gut" IS NOT NULL THEN 0.15 ELSE 0.0 END + CASE WHEN "t55"."g__sentiment" IS NOT NULL THEN 0.15 ELSE 0.0 END + CASE WHEN "t55"."g__setup" IS NOT NULL THEN 0.125 ELSE 0.0 END + CASE WHEN "t55"."g__support" IS NOT NULL THEN 0.2 ELSE 0.0 END AS "cov__standard"
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
      "t54"."m__licence",
      "t54"."m__gut",
      "t54"."age__gut",
      "t54"."m__deployed",
      "t54"."age__deployed",
      "t54"."g__activity",
      "t54"."g__days",
      "t54"."g__breadth",
      "t54"."g__sentiment",
      "t54"."g__support",
      "t54"."g__gut",
      "t54"."g__licence",
      "t54"."g__setup",
      "t54"."g__industry_fit",
      "t54"."g__deployed",
      "t54"."den__adoption",
      "t54"."gs__adoption",
      "t54"."den__voice",
      "t54"."gs__voice",
      "t54"."den__engagement",
      "t54"."gs__engagement",
      "t54"."den__expansion",
      "t54"."den__onboarding",
      "t54"."den__regulated",
      "t54"."den__standard",
      "t54"."ew__expansion__licence",
      "t54"."ew__expansion__activity",
      "t54"."ew__onboarding__setup",
      "t54"."ew__onboarding__deployed",
      "t54"."ew__onboarding__activity",
      "t54"."ew__regulated__engagement",
      "t54"."ew__regulated__voice",
      "t54"."ew__regulated__support",
      "t54"."ew__regulated__industry_fit",
      "t54"."ew__standard__engagement",
      "t54"."ew__standard__voice",
      "t54"."ew__standard__support",
      "t54"."ew__regulated__adoption",
      "t54"."ew__regulated__setup",
      "t54"."ew__regulated__sentiment",
      "t54"."ew__regulated__gut",
      "t54"."ew__standard__adoption",
      "t54"."ew__standard__setup",
      "t54"."ew__standard__sentiment",
      "t54"."ew__standard__gut",
      "t54"."ew__regulated__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__regulated__activity",
      "t54"."ew__regulated__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__regulated__days",
      "t54"."ew__regulated__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__regulated__breadth",
      "t54"."ew__standard__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__standard__activity",
      "t54"."ew__standard__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__standard__days",
      "t54"."ew__standard__adoption" * CASE
        WHEN "t54"."den__adoption" > 0
        THEN CAST(CASE WHEN "t54"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t54"."den__adoption"
        ELSE 0.0
      END AS "ew__standard__breadth"
    FROM (
      SELECT
        "t53"."account_id",
        "t53"."segment",
        "t53"."m__tenure_days",
        "t53"."m__industry",
        "t53"."m__seats",
        "t53"."m__events_30d",
        "t53"."m__active_days_30d",
        "t53"."m__users_30d",
        "t53"."age__events_30d",
        "t53"."age__active_days_30d",
        "t53"."age__users_30d",
        "t53"."m__days_since_event",
        "t53"."age__days_since_event",
        "t53"."m__nps",
        "t53"."age__nps",
        "t53"."m__tickets_90d",
        "t53"."age__tickets_90d",
        "t53"."m__licence",
        "t53"."m__gut",
        "t53"."age__gut",
        "t53"."m__deployed",
        "t53"."age__deployed",
        "t53"."g__activity",
        "t53"."g__days",
        "t53"."g__breadth",
        "t53"."g__sentiment",
        "t53"."g__support",
        "t53"."g__gut",
        "t53"."g__licence",
        "t53"."g__setup",
        "t53"."g__industry_fit",
        "t53"."g__deployed",
        "t53"."den__adoption",
        "t53"."gs__adoption",
        "t53"."den__voice",
        "t53"."gs__voice",
        "t53"."den__engagement",
        "t53"."gs__engagement",
        "t53"."den__expansion",
        "t53"."den__onboarding",
        "t53"."den__regulated",
        "t53"."den__standard",
        "t53"."ew__expansion__licence",
        "t53"."ew__expansion__activity",
        "t53"."ew__onboarding__setup",
        "t53"."ew__onboarding__deployed",
        "t53"."ew__onboarding__activity",
        "t53"."ew__regulated__engagement",
        "t53"."ew__regulated__voice",
        "t53"."ew__regulated__support",
        "t53"."ew__regulated__industry_fit",
        "t53"."ew__standard__engagement",
        "t53"."ew__standard__voice",
        "t53"."ew__standard__support",
        "t53"."ew__regulated__engagement" * CASE
          WHEN "t53"."den__engagement" > 0
          THEN CAST(CASE WHEN "t53"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__engagement"
          ELSE 0.0
        END AS "ew__regulated__adoption",
        "t53"."ew__regulated__engagement" * CASE
          WHEN "t53"."den__engagement" > 0
          THEN CAST(CASE WHEN "t53"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__engagement"
          ELSE 0.0
        END AS "ew__regulated__setup",
        "t53"."ew__regulated__voice" * CASE
          WHEN "t53"."den__voice" > 0
          THEN CAST(CASE WHEN "t53"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__voice"
          ELSE 0.0
        END AS "ew__regulated__sentiment",
        "t53"."ew__regulated__voice" * CASE
          WHEN "t53"."den__voice" > 0
          THEN CAST(CASE WHEN "t53"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__voice"
          ELSE 0.0
        END AS "ew__regulated__gut",
        "t53"."ew__standard__engagement" * CASE
          WHEN "t53"."den__engagement" > 0
          THEN CAST(CASE WHEN "t53"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__engagement"
          ELSE 0.0
        END AS "ew__standard__adoption",
        "t53"."ew__standard__engagement" * CASE
          WHEN "t53"."den__engagement" > 0
          THEN CAST(CASE WHEN "t53"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__engagement"
          ELSE 0.0
        END AS "ew__standard__setup",
        "t53"."ew__standard__voice" * CASE
          WHEN "t53"."den__voice" > 0
          THEN CAST(CASE WHEN "t53"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__voice"
          ELSE 0.0
        END AS "ew__standard__sentiment",
        "t53"."ew__standard__voice" * CASE
          WHEN "t53"."den__voice" > 0
          THEN CAST(CASE WHEN "t53"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t53"."den__voice"
          ELSE 0.0
        END AS "ew__standard__gut"
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
          "t52"."m__tickets_90d",
          "t52"."age__tickets_90d",
          "t52"."m__licence",
          "t52"."m__gut",
          "t52"."age__gut",
          "t52"."m__deployed",
          "t52"."age__deployed",
          "t52"."g__activity",
          "t52"."g__days",
          "t52"."g__breadth",
          "t52"."g__sentiment",
          "t52"."g__support",
          "t52"."g__gut",
          "t52"."g__licence",
          "t52"."g__setup",
          "t52"."g__industry_fit",
          "t52"."g__deployed",
          "t52"."den__adoption",
          "t52"."gs__adoption",
          "t52"."den__voice",
          "t52"."gs__voice",
          "t52"."den__engagement",
          "t52"."gs__engagement",
          "t52"."den__expansion",
          "t52"."den__onboarding",
          "t52"."den__regulated",
          "t52"."den__standard",
          1.0 * CASE
            WHEN "t52"."den__expansion" > 0
            THEN CAST(CASE WHEN "t52"."g__licence" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__expansion"
            ELSE 0.0
          END AS "ew__expansion__licence",
          1.0 * CASE
            WHEN "t52"."den__expansion" > 0
            THEN CAST(CASE WHEN "t52"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__expansion"
            ELSE 0.0
          END AS "ew__expansion__activity",
          1.0 * CASE
            WHEN "t52"."den__onboarding" > 0
            THEN CAST(CASE WHEN "t52"."g__setup" IS NOT NULL THEN 40.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__onboarding"
            ELSE 0.0
          END AS "ew__onboarding__setup",
          1.0 * CASE
            WHEN "t52"."den__onboarding" > 0
            THEN CAST(CASE WHEN "t52"."g__deployed" IS NOT NULL THEN 40.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__onboarding"
            ELSE 0.0
          END AS "ew__onboarding__deployed",
          1.0 * CASE
            WHEN "t52"."den__onboarding" > 0
            THEN CAST(CASE WHEN "t52"."g__activity" IS NOT NULL THEN 20.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__onboarding"
            ELSE 0.0
          END AS "ew__onboarding__activity",
          1.0 * CASE
            WHEN "t52"."den__regulated" > 0
            THEN CAST(CASE WHEN "t52"."gs__engagement" IS NOT NULL THEN 40.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__regulated"
            ELSE 0.0
          END AS "ew__regulated__engagement",
          1.0 * CASE
            WHEN "t52"."den__regulated" > 0
            THEN CAST(CASE WHEN "t52"."gs__voice" IS NOT NULL THEN 20.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__regulated"
            ELSE 0.0
          END AS "ew__regulated__voice",
          1.0 * CASE
            WHEN "t52"."den__regulated" > 0
            THEN CAST(CASE WHEN "t52"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__regulated"
            ELSE 0.0
          END AS "ew__regulated__support",
          1.0 * CASE
            WHEN "t52"."den__regulated" > 0
            THEN CAST(CASE WHEN "t52"."g__industry_fit" IS NOT NULL THEN 20.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__regulated"
            ELSE 0.0
          END AS "ew__regulated__industry_fit",
          1.0 * CASE
            WHEN "t52"."den__standard" > 0
            THEN CAST(CASE WHEN "t52"."gs__engagement" IS NOT NULL THEN 50.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__standard"
            ELSE 0.0
          END AS "ew__standard__engagement",
          1.0 * CASE
            WHEN "t52"."den__standard" > 0
            THEN CAST(CASE WHEN "t52"."gs__voice" IS NOT NULL THEN 30.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__standard"
            ELSE 0.0
          END AS "ew__standard__voice",
          1.0 * CASE
            WHEN "t52"."den__standard" > 0
            THEN CAST(CASE WHEN "t52"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t52"."den__standard"
            ELSE 0.0
          END AS "ew__standard__support"
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
            "t51"."m__days_since_event",
            "t51"."age__days_since_event",
            "t51"."m__nps",
            "t51"."age__nps",
            "t51"."m__tickets_90d",
            "t51"."age__tickets_90d",
            "t51"."m__licence",
            "t51"."m__gut",
            "t51"."age__gut",
            "t51"."m__deployed",
            "t51"."age__deployed",
            "t51"."g__activity",
            "t51"."g__days",
            "t51"."g__breadth",
            "t51"."g__sentiment",
            "t51"."g__support",
            "t51"."g__gut",
            "t51"."g__licence",
            "t51"."g__setup",
            "t51"."g__industry_fit",
            "t51"."g__deployed",
            "t51"."den__adoption",
            "t51"."gs__adoption",
            "t51"."den__voice",
            "t51"."gs__voice",
            "t51"."den__engagement",
            "t51"."gs__engagement",
            0.0 + CASE WHEN "t51"."g__licence" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t51"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__expansion",
            0.0 + CASE WHEN "t51"."g__setup" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t51"."g__deployed" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t51"."g__activity" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__onboarding",
            0.0 + CASE WHEN "t51"."gs__engagement" IS NOT NULL THEN 40.0 ELSE 0.0 END + CASE WHEN "t51"."gs__voice" IS NOT NULL THEN 20.0 ELSE 0.0 END + CASE WHEN "t51"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END + CASE WHEN "t51"."g__industry_fit" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__regulated",
            0.0 + CASE WHEN "t51"."gs__engagement" IS NOT NULL THEN 50.0 ELSE 0.0 END + CASE WHEN "t51"."gs__voice" IS NOT NULL THEN 30.0 ELSE 0.0 END + CASE WHEN "t51"."g__support" IS NOT NULL THEN 20.0 ELSE 0.0 END AS "den__standard"
          FROM (
            SELECT
              "t50"."account_id",
              "t50"."segment",
              "t50"."m__tenure_days",
              "t50"."m__industry",
              "t50"."m__seats",
              "t50"."m__events_30d",
              "t50"."m__active_days_30d",
              "t50"."m__users_30d",
              "t50"."age__events_30d",
              "t50"."age__active_days_30d",
              "t50"."age__users_30d",
              "t50"."m__days_since_event",
              "t50"."age__days_since_event",
              "t50"."m__nps",
              "t50"."age__nps",
              "t50"."m__tickets_90d",
              "t50"."age__tickets_90d",
              "t50"."m__licence",
              "t50"."m__gut",
              "t50"."age__gut",
              "t50"."m__deployed",
              "t50"."age__deployed",
              "t50"."g__activity",
              "t50"."g__days",
              "t50"."g__breadth",
              "t50"."g__sentiment",
              "t50"."g__support",
              "t50"."g__gut",
              "t50"."g__licence",
              "t50"."g__setup",
              "t50"."g__industry_fit",
              "t50"."g__deployed",
              "t50"."den__adoption",
              "t50"."gs__adoption",
              "t50"."den__voice",
              "t50"."gs__voice",
              0.0 + CASE WHEN "t50"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t50"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__engagement",
              CASE
                WHEN (
                  0.0 + CASE WHEN "t50"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t50"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END
                ) = 0
                THEN CAST(NULL AS DOUBLE PRECISION)
                ELSE CAST((
                  0.0 + (
                    COALESCE("t50"."gs__adoption", 0.0) * 3.0
                  ) + (
                    COALESCE("t50"."g__setup", 0.0) * 1.0
                  )
                ) AS DOUBLE PRECISION) / (
                  0.0 + CASE WHEN "t50"."gs__adoption" IS NOT NULL THEN 3.0 ELSE 0.0 END + CASE WHEN "t50"."g__setup" IS NOT NULL THEN 1.0 ELSE 0.0 END
                )
              END AS "gs__engagement"
            FROM (
              SELECT
                "t49"."account_id",
                "t49"."segment",
                "t49"."m__tenure_days",
                "t49"."m__industry",
                "t49"."m__seats",
                "t49"."m__events_30d",
                "t49"."m__active_days_30d",
                "t49"."m__users_30d",
                "t49"."age__events_30d",
                "t49"."age__active_days_30d",
                "t49"."age__users_30d",
                "t49"."m__days_since_event",
                "t49"."age__days_since_event",
                "t49"."m__nps",
                "t49"."age__nps",
                "t49"."m__tickets_90d",
                "t49"."age__tickets_90d",
                "t49"."m__licence",
                "t49"."m__gut",
                "t49"."age__gut",
                "t49"."m__deployed",
                "t49"."age__deployed",
                "t49"."g__activity",
                "t49"."g__days",
                "t49"."g__breadth",
                "t49"."g__sentiment",
                "t49"."g__support",
                "t49"."g__gut",
                "t49"."g__licence",
                "t49"."g__setup",
                "t49"."g__industry_fit",
                "t49"."g__deployed",
                0.0 + CASE WHEN "t49"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END AS "den__adoption",
                CASE
                  WHEN (
                    0.0 + CASE WHEN "t49"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END
                  ) = 0
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CAST((
                    0.0 + (
                      COALESCE("t49"."g__activity", 0.0) * 1.0
                    ) + (
                      COALESCE("t49"."g__days", 0.0) * 1.0
                    ) + (
                      COALESCE("t49"."g__breadth", 0.0) * 2.0
                    )
                  ) AS DOUBLE PRECISION) / (
                    0.0 + CASE WHEN "t49"."g__activity" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__days" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__breadth" IS NOT NULL THEN 2.0 ELSE 0.0 END
                  )
                END AS "gs__adoption",
                0.0 + CASE WHEN "t49"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END AS "den__voice",
                CASE
                  WHEN (
                    0.0 + CASE WHEN "t49"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END
                  ) = 0
                  THEN CAST(NULL AS DOUBLE PRECISION)
                  ELSE CAST((
                    0.0 + (
                      COALESCE("t49"."g__sentiment", 0.0) * 1.0
                    ) + (
                      COALESCE("t49"."g__gut", 0.0) * 1.0
                    )
                  ) AS DOUBLE PRECISION) / (
                    0.0 + CASE WHEN "t49"."g__sentiment" IS NOT NULL THEN 1.0 ELSE 0.0 END + CASE WHEN "t49"."g__gut" IS NOT NULL THEN 1.0 ELSE 0.0 END
                  )
                END AS "gs__voice"
              FROM (
                SELECT
                  "t48"."account_id",
                  "t48"."segment",
                  "t48"."m__tenure_days",
                  "t48"."m__industry",
                  "t48"."m__seats",
                  "t48"."m__events_30d",
                  "t48"."m__active_days_30d",
                  "t48"."m__users_30d",
                  "t48"."age__events_30d",
                  "t48"."age__active_days_30d",
                  "t48"."age__users_30d",
                  "t48"."m__days_since_event",
                  "t48"."age__days_since_event",
                  "t48"."m__nps",
                  "t48"."age__nps",
                  "t48"."m__tickets_90d",
                  "t48"."age__tickets_90d",
                  "t48"."m__licence",
                  "t48"."m__gut",
                  "t48"."age__gut",
                  "t48"."m__deployed",
                  "t48"."age__deployed",
                  CASE
                    WHEN "t48"."m__events_30d" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE CASE
                      WHEN "t48"."m__events_30d" >= 10.0
                      THEN 100.0
                      WHEN "t48"."m__events_30d" >= 5.0
                      THEN 80.0
                      WHEN "t48"."m__events_30d" >= 1.0
                      THEN 40.0
                      WHEN "t48"."m__events_30d" >= 0.0
                      THEN 0.0
                      ELSE 0.0
                    END
                  END AS "g__activity",
                  CASE
                    WHEN "t48"."m__active_days_30d" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE GREATEST(
                      0.0,
                      LEAST(
                        100.0,
                        (
                          CAST((
                            CAST("t48"."m__active_days_30d" AS DOUBLE PRECISION) - 0.0
                          ) AS DOUBLE PRECISION) / 4.0
                        ) * 100
                      )
                    )
                  END AS "g__days",
                  CASE
                    WHEN "t48"."m__users_30d" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE CASE
                      WHEN "t48"."m__users_30d" IS NULL
                      THEN CAST(NULL AS DOUBLE PRECISION)
                      WHEN COUNT("t48"."m__users_30d") OVER (
                        PARTITION BY "t48"."m__users_30d" IS NULL, "t48"."segment"
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                      ) = 1
                      THEN 0.5
                      ELSE CAST((
                        CAST(ROUND(
                          CUME_DIST() OVER (
                            PARTITION BY "t48"."m__users_30d" IS NULL, "t48"."segment"
                            ORDER BY "t48"."m__users_30d" ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) * COUNT("t48"."m__users_30d") OVER (
                            PARTITION BY "t48"."m__users_30d" IS NULL, "t48"."segment"
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          )
                        ) AS BIGINT) - 1
                      ) AS DOUBLE PRECISION) / (
                        COUNT("t48"."m__users_30d") OVER (
                          PARTITION BY "t48"."m__users_30d" IS NULL, "t48"."segment"
                          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                        ) - 1
                      )
                    END * 100
                  END AS "g__breadth",
                  COALESCE(
                    CASE
                      WHEN "t48"."m__nps" IS NULL
                      THEN CAST(NULL AS DOUBLE PRECISION)
                      ELSE CASE
                        WHEN "t48"."m__nps" >= 9
                        THEN 100.0
                        WHEN "t48"."m__nps" >= 7
                        THEN 50.0
                        WHEN "t48"."m__nps" >= 0
                        THEN 0.0
                        ELSE NULL
                      END
                    END,
                    50.0
                  ) AS "g__sentiment",
                  CASE
                    WHEN COALESCE(
                      COALESCE("t48"."m__tickets_90d" = 0.0, FALSE)
                      AND COALESCE("t48"."m__events_30d" = 0.0, FALSE),
                      FALSE
                    )
                    THEN 0.0
                    ELSE CASE
                      WHEN "t48"."m__tickets_90d" IS NULL
                      THEN CAST(NULL AS DOUBLE PRECISION)
                      ELSE CASE
                        WHEN CASE
                          WHEN "t48"."m__tickets_90d" IS NULL
                          THEN CAST(NULL AS DOUBLE PRECISION)
                          WHEN COUNT("t48"."m__tickets_90d") OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) = 1
                          THEN 0.5
                          ELSE CUME_DIST() OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ORDER BY -(
                              "t48"."m__tickets_90d"
                            ) ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          )
                        END IS NULL
                        THEN CAST(NULL AS DOUBLE PRECISION)
                        WHEN CASE
                          WHEN "t48"."m__tickets_90d" IS NULL
                          THEN CAST(NULL AS DOUBLE PRECISION)
                          WHEN COUNT("t48"."m__tickets_90d") OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) = 1
                          THEN 0.5
                          ELSE CUME_DIST() OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ORDER BY -(
                              "t48"."m__tickets_90d"
                            ) ASC
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          )
                        END <= 0.3333333333333333
                        THEN 0.0
                        WHEN CASE
                          WHEN "t48"."m__tickets_90d" IS NULL
                          THEN CAST(NULL AS DOUBLE PRECISION)
                          WHEN COUNT("t48"."m__tickets_90d") OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                          ) = 1
                          THEN 0.5
                          ELSE CUME_DIST() OVER (
                            PARTITION BY "t48"."m__tickets_90d" IS NULL
                            ORDER BY -(
                              "t48"."m__tickets_90d"
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
                    WHEN "t48"."m__gut" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE GREATEST(
                      0.0,
                      LEAST(100.0, (
                        CAST((
                          "t48"."m__gut" - 0.0
                        ) AS DOUBLE PRECISION) / 10.0
                      ) * 100)
                    )
                  END AS "g__gut",
                  CASE
                    WHEN "t48"."m__licence" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE GREATEST(
                      0.0,
                      LEAST(
                        100.0,
                        (
                          CASE
                            WHEN STDDEV_SAMP("t48"."m__licence") OVER (
                              PARTITION BY "t48"."m__licence" IS NULL
                              ORDER BY "t48"."m__licence" ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            ) = 0
                            THEN 0.0
                            ELSE CAST((
                              "t48"."m__licence" - AVG("t48"."m__licence") OVER (
                                PARTITION BY "t48"."m__licence" IS NULL
                                ORDER BY "t48"."m__licence" ASC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                              )
                            ) AS DOUBLE PRECISION) / STDDEV_SAMP("t48"."m__licence") OVER (
                              PARTITION BY "t48"."m__licence" IS NULL
                              ORDER BY "t48"."m__licence" ASC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
                            )
                          END * 25
                        ) + 50
                      )
                    )
                  END AS "g__licence",
                  CASE
                    WHEN "t48"."m__days_since_event" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE (
                      POW(0.5, (
                        CAST("t48"."m__days_since_event" AS DOUBLE PRECISION) / 14.0
                      ))
                    ) * 100
                  END AS "g__setup",
                  CASE
                    WHEN "t48"."m__industry" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE CASE
                      WHEN "t48"."m__industry" = 'retail'
                      THEN 60.0
                      WHEN "t48"."m__industry" = 'healthcare'
                      THEN 90.0
                      ELSE 0.0
                    END
                  END AS "g__industry_fit",
                  CASE
                    WHEN "t48"."m__deployed" IS NULL
                    THEN CAST(NULL AS DOUBLE PRECISION)
                    ELSE CASE WHEN "t48"."m__deployed" <> 0 THEN 100.0 ELSE 0.0 END
                  END AS "g__deployed"
                FROM (
                  SELECT
                    "t47"."account_id",
                    "t47"."segment",
                    "t47"."m__tenure_days",
                    "t47"."m__industry",
                    "t47"."m__seats",
                    "t47"."m__events_30d",
                    "t47"."m__active_days_30d",
                    "t47"."m__users_30d",
                    "t47"."age__events_30d",
                    "t47"."age__active_days_30d",
                    "t47"."age__users_30d",
                    "t47"."m__days_since_event",
                    "t47"."age__days_since_event",
                    "t47"."m__nps",
                    "t47"."age__nps",
                    "t47"."m__tickets_90d",
                    "t47"."age__tickets_90d",
                    "t47"."m__licence",
                    "t37"."_num" AS "m__gut",
                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t37"."_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__gut",
                    "t38"."_num" AS "m__deployed",
                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t38"."_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deployed"
                  FROM (
                    SELECT
                      "t45"."account_id",
                      "t45"."segment",
                      "t45"."m__tenure_days",
                      "t45"."m__industry",
                      "t45"."m__seats",
                      "t45"."m__events_30d",
                      "t45"."m__active_days_30d",
                      "t45"."m__users_30d",
                      "t45"."age__events_30d",
                      "t45"."age__active_days_30d",
                      "t45"."age__users_30d",
                      "t45"."m__days_since_event",
                      "t45"."age__days_since_event",
                      "t45"."m__nps",
                      "t45"."age__nps",
                      CASE
                        WHEN (
                          SELECT
                            COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                          FROM (
                            SELECT
                              *
                            FROM "tickets" AS "t2"
                            WHERE
                              "t2"."opened_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            LIMIT 1
                          ) AS "t15"
                        )
                        THEN COALESCE("t45"."m__tickets_90d", 0)
                        ELSE "t45"."m__tickets_90d"
                      END AS "m__tickets_90d",
                      "t45"."age__tickets_90d",
                      CASE
                        WHEN "t45"."m__seats" = 0
                        THEN CAST(NULL AS DOUBLE PRECISION)
                        ELSE CAST("t45"."m__users_30d" AS DOUBLE PRECISION) / "t45"."m__seats"
                      END AS "m__licence"
                    FROM (
                      SELECT
                        "t44"."account_id",
                        "t44"."segment",
                        "t44"."m__tenure_days",
                        "t44"."m__industry",
                        "t44"."m__seats",
                        "t44"."m__events_30d",
                        "t44"."m__active_days_30d",
                        "t44"."m__users_30d",
                        "t44"."age__events_30d",
                        "t44"."age__active_days_30d",
                        "t44"."age__users_30d",
                        "t34"."m__days_since_event",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t34"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__days_since_event",
                        "t25"."m__nps",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t25"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__nps",
                        "t26"."m__tickets_90d",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t26"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__tickets_90d"
                      FROM (
                        SELECT
                          "t42"."account_id",
                          "t42"."segment",
                          "t42"."m__tenure_days",
                          "t42"."m__industry",
                          "t42"."m__seats",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "t9" AS "t17"
                                LIMIT 1
                              ) AS "t20"
                            )
                            THEN COALESCE("t42"."m__events_30d", 0)
                            ELSE "t42"."m__events_30d"
                          END AS "m__events_30d",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "t9" AS "t17"
                                LIMIT 1
                              ) AS "t20"
                            )
                            THEN COALESCE("t42"."m__active_days_30d", 0)
                            ELSE "t42"."m__active_days_30d"
                          END AS "m__active_days_30d",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "t9" AS "t17"
                                LIMIT 1
                              ) AS "t20"
                            )
                            THEN COALESCE("t42"."m__users_30d", 0)
                            ELSE "t42"."m__users_30d"
                          END AS "m__users_30d",
                          "t42"."age__events_30d",
                          "t42"."age__active_days_30d",
                          "t42"."age__users_30d"
                        FROM (
                          SELECT
                            "t41"."account_id",
                            "t41"."segment",
                            "t41"."m__tenure_days",
                            "t41"."m__industry",
                            "t41"."m__seats",
                            "t31"."m__events_30d",
                            "t31"."m__active_days_30d",
                            "t31"."m__users_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t31"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t31"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__active_days_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t31"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__users_30d"
                          FROM (
                            SELECT
                              "t39"."id" AS "account_id",
                              "t39"."segment",
                              CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST("t39"."customer_since" AS TIMESTAMP)) / 86400 AS BIGINT) AS "m__tenure_days",
                              "t39"."industry" AS "m__industry",
                              "t39"."seats" AS "m__seats"
                            FROM (
                              SELECT
                                "t18"."id",
                                "t18"."name",
                                "t18"."owner",
                                "t18"."segment",
                                "t18"."industry",
                                "t18"."plan",
                                "t18"."arr",
                                "t18"."seats",
                                "t18"."customer_since",
                                "t18"."renewal_date",
                                "t18"."parent_id",
                                "t18"."attributes",
                                "t18"."updated_at"
                              FROM "t6" AS "t18"
                              WHERE
                                NOT EXISTS(
                                  SELECT
                                    1
                                  FROM (
                                    SELECT
                                      "t14"."account_id" AS "gid"
                                    FROM (
                                      SELECT
                                        *
                                      FROM "outcomes" AS "t5"
                                      WHERE
                                        "t5"."kind" = 'churned' AND "t5"."date" <= MAKE_DATE(2024, 6, 30)
                                    ) AS "t14"
                                    INNER JOIN "t6" AS "t19"
                                      ON "t14"."account_id" = "t19"."id" AND "t14"."date" >= "t19"."customer_since"
                                  ) AS "t33"
                                  WHERE
                                    "t18"."id" = "t33"."gid"
                                )
                            ) AS "t39"
                          ) AS "t41"
                          LEFT OUTER JOIN (
                            SELECT
                              "t13"."account_id" AS "_account",
                              COUNT(*) AS "m__events_30d",
                              COUNT(DISTINCT DATE("t13"."timestamp")) AS "m__active_days_30d",
                              COUNT(DISTINCT "t13"."user_id") AS "m__users_30d",
                              MAX("t13"."timestamp") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "events" AS "t3"
                              WHERE
                                "t3"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                AND "t3"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                            ) AS "t13"
                            GROUP BY
                              1
                          ) AS "t31"
                            ON "t41"."account_id" = "t31"."_account"
                        ) AS "t42"
                      ) AS "t44"
                      LEFT OUTER JOIN (
                        SELECT
                          "t17"."account_id" AS "_account",
                          CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE(MAX("t17"."timestamp")) AS TIMESTAMP)) / 86400 AS BIGINT) AS "m__days_since_event",
                          MAX("t17"."timestamp") AS "_newest"
                        FROM "t9" AS "t17"
                        GROUP BY
                          1
                      ) AS "t34"
                        ON "t44"."account_id" = "t34"."_account"
                      LEFT OUTER JOIN (
                        SELECT
                          "t10"."account_id" AS "_account",
                          (
                            ARRAY_AGG("t10"."score" ORDER BY "t10"."responded_at" DESC NULLS LAST) FILTER(WHERE
                              "t10"."responded_at" IS NOT NULL)
                          )[1] AS "m__nps",
                          MAX("t10"."responded_at") AS "_newest"
                        FROM (
                          SELECT
                            *
                          FROM "surveys" AS "t1"
                          WHERE
                            "t1"."responded_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            AND "t1"."responded_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-364 DAY' AS TIMESTAMP)
                            AND "t1"."kind" IN ('nps')
                        ) AS "t10"
                        GROUP BY
                          1
                      ) AS "t25"
                        ON "t44"."account_id" = "t25"."_account"
                      LEFT OUTER JOIN (
                        SELECT
                          "t11"."account_id" AS "_account",
                          COUNT(*) AS "m__tickets_90d",
                          MAX("t11"."opened_at") AS "_newest"
                        FROM (
                          SELECT
                            *
                          FROM "tickets" AS "t2"
                          WHERE
                            "t2"."opened_at" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            AND "t2"."opened_at" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-89 DAY' AS TIMESTAMP)
                        ) AS "t11"
                        GROUP BY
                          1
                      ) AS "t26"
                        ON "t44"."account_id" = "t26"."_account"
                    ) AS "t45"
                  ) AS "t47"
                  LEFT OUTER JOIN (
                    SELECT
                      *
                    FROM "t24" AS "t28"
                    WHERE
                      "t28"."_input" = 'gut_check'
                  ) AS "t37"
                    ON "t47"."account_id" = "t37"."_acc"
                  LEFT OUTER JOIN (
                    SELECT
                      *
                    FROM "t24" AS "t28"
                    WHERE
                      "t28"."_input" = 'deployed'
                  ) AS "t38"
                    ON "t47"."account_id" = "t38"."_acc"
                ) AS "t48"
              ) AS "t49"
            ) AS "t50"
          ) AS "t51"
        ) AS "t52"
      ) AS "t53"
    ) AS "t54"
  ) AS "t55"
) AS "t56"
