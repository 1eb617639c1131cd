WITH "t6" AS (
  SELECT
    *
  FROM "accounts" AS "t1"
  WHERE
    "t1"."customer_since" <= MAKE_DATE(2024, 6, 30)
)
SELECT
  "t69"."account_id",
  "t69"."segment",
  "t69"."m__quota",
  "t69"."m__seats",
  "t69"."m__deal_sum_30d",
  "t69"."m__deal_avg_30d",
  "t69"."m__deal_min_30d",
  "t69"."m__deal_value_per_user_30d",
  "t69"."age__deal_sum_30d",
  "t69"."age__deal_avg_30d",
  "t69"."age__deal_min_30d",
  "t69"."age__deal_value_per_user_30d",
  "t69"."m__deal_max_all",
  "t69"."m__deal_latest",
  "t69"."age__deal_max_all",
  "t69"."age__deal_latest",
  "t69"."m__plans_30d",
  "t69"."m__events_30d",
  "t69"."m__events_per_user_30d",
  "t69"."m__events_30d_tenure",
  "t69"."age__plans_30d",
  "t69"."age__events_30d",
  "t69"."age__events_per_user_30d",
  "t69"."age__events_30d_tenure",
  "t69"."m__paid_deals_30d",
  "t69"."age__paid_deals_30d",
  "t69"."m__not_free_30d",
  "t69"."age__not_free_30d",
  "t69"."m__value_30_30d",
  "t69"."age__value_30_30d",
  "t69"."m__per_user_trend",
  "t69"."m__events_trend",
  "t69"."m__gut",
  "t69"."age__gut",
  "t69"."m__deal_per_seat",
  "t69"."m__deal_per_gut",
  "t69"."m__trend_per_seat",
  "t69"."m__deal_share_of_quota",
  "t69"."m__per_seat_per_user",
  "t69"."g__deals",
  "t69"."g__depth",
  CAST(ROUND(
    CAST((
      CAST((
        CASE
          WHEN CASE
            WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
            THEN 'main'
            ELSE CAST(NULL AS VARCHAR)
          END = 'main'
          THEN "t69"."cs__main"
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END * 100.0
      ) AS DOUBLE PRECISION) / 100
    ) + 0.0 AS DECIMAL),
    1
  ) AS DOUBLE PRECISION) AS "score__health",
  CASE
    WHEN CAST(ROUND(
      CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS VARCHAR)
            END = 'main'
            THEN "t69"."cs__main"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL),
      1
    ) AS DOUBLE PRECISION) IS NULL
    THEN CAST(NULL AS VARCHAR)
    WHEN CAST(ROUND(
      CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS VARCHAR)
            END = 'main'
            THEN "t69"."cs__main"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL),
      1
    ) AS DOUBLE PRECISION) < 60.0
    THEN 'red'
    WHEN CAST(ROUND(
      CAST((
        CAST((
          CASE
            WHEN CASE
              WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
              THEN 'main'
              ELSE CAST(NULL AS VARCHAR)
            END = 'main'
            THEN "t69"."cs__main"
            ELSE CAST(NULL AS DOUBLE PRECISION)
          END * 100.0
        ) AS DOUBLE PRECISION) / 100
      ) + 0.0 AS DECIMAL),
      1
    ) AS DOUBLE PRECISION) < 70.0
    THEN 'yellow'
    ELSE 'green'
  END AS "band__health",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t69"."cov__main"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "coverage__health",
  CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END AS "segment__health",
  CASE
    WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
    THEN 'main'
    ELSE CAST(NULL AS VARCHAR)
  END AS "scorecard__health",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t69"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t69"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t69"."g__deals", 0.0) * 1.0 AS "c__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t69"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__depth",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t69"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t69"."g__depth", 0.0) * 1.0 AS "c__health__depth"
FROM (
  SELECT
    "t68"."account_id",
    "t68"."segment",
    "t68"."m__quota",
    "t68"."m__seats",
    "t68"."m__deal_sum_30d",
    "t68"."m__deal_avg_30d",
    "t68"."m__deal_min_30d",
    "t68"."m__deal_value_per_user_30d",
    "t68"."age__deal_sum_30d",
    "t68"."age__deal_avg_30d",
    "t68"."age__deal_min_30d",
    "t68"."age__deal_value_per_user_30d",
    "t68"."m__deal_max_all",
    "t68"."m__deal_latest",
    "t68"."age__deal_max_all",
    "t68"."age__deal_latest",
    "t68"."m__plans_30d",
    "t68"."m__events_30d",
    "t68"."m__events_per_user_30d",
    "t68"."m__events_30d_tenure",
    "t68"."age__plans_30d",
    "t68"."age__events_30d",
    "t68"."age__events_per_user_30d",
    "t68"."age__events_30d_tenure",
    "t68"."m__paid_deals_30d",
    "t68"."age__paid_deals_30d",
    "t68"."m__not_free_30d",
    "t68"."age__not_free_30d",
    "t68"."m__value_30_30d",
    "t68"."age__value_30_30d",
    "t68"."m__per_user_trend",
    "t68"."m__events_trend",
    "t68"."m__gut",
    "t68"."age__gut",
    "t68"."m__deal_per_seat",
    "t68"."m__deal_per_gut",
    "t68"."m__trend_per_seat",
    "t68"."m__deal_share_of_quota",
    "t68"."m__per_seat_per_user",
    "t68"."g__deals",
    "t68"."g__depth",
    "t68"."den__main",
    1.0 * CASE
      WHEN "t68"."den__main" > 0
      THEN CAST(CASE WHEN "t68"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t68"."den__main"
      ELSE 0.0
    END AS "ew__main__deals",
    1.0 * CASE
      WHEN "t68"."den__main" > 0
      THEN CAST(CASE WHEN "t68"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t68"."den__main"
      ELSE 0.0
    END AS "ew__main__depth",
    CASE
      WHEN "t68"."den__main" > 0
      THEN 0.0 + (
        1.0 * CASE
          WHEN "t68"."den__main" > 0
          THEN CAST(CASE WHEN "t68"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t68"."den__main"
          ELSE 0.0
        END * COALESCE("t68"."g__deals", 0.0)
      ) + (
        1.0 * CASE
          WHEN "t68"."den__main" > 0
          THEN CAST(CASE WHEN "t68"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t68"."den__main"
          ELSE 0.0
        END * COALESCE("t68"."g__depth", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__main",
    0.0 + CASE WHEN "t68"."g__deals" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t68"."g__depth" IS NOT NULL THEN 0.5 ELSE 0.0 END AS "cov__main"
  FROM (
    SELECT
      "t67"."account_id",
      "t67"."segment",
      "t67"."m__quota",
      "t67"."m__seats",
      "t67"."m__deal_sum_30d",
      "t67"."m__deal_avg_30d",
      "t67"."m__deal_min_30d",
      "t67"."m__deal_value_per_user_30d",
      "t67"."age__deal_sum_30d",
      "t67"."age__deal_avg_30d",
      "t67"."age__deal_min_30d",
      "t67"."age__deal_value_per_user_30d",
      "t67"."m__deal_max_all",
      "t67"."m__deal_latest",
      "t67"."age__deal_max_all",
      "t67"."age__deal_latest",
      "t67"."m__plans_30d",
      "t67"."m__events_30d",
      "t67"."m__events_per_user_30d",
      "t67"."m__events_30d_tenure",
      "t67"."age__plans_30d",
      "t67"."age__events_30d",
      "t67"."age__events_per_user_30d",
      "t67"."age__events_30d_tenure",
      "t67"."m__paid_deals_30d",
      "t67"."age__paid_deals_30d",
      "t67"."m__not_free_30d",
      "t67"."age__not_free_30d",
      "t67"."m__value_30_30d",
      "t67"."age__value_30_30d",
      "t67"."m__per_user_trend",
      "t67"."m__events_trend",
      "t67"."m__gut",
      "t67"."age__gut",
      CASE
        WHEN CAST("t67"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t67"."m__deal_sum_30d" / CAST("t67"."m__seats" AS DOUBLE PRECISION)
      END AS "m__deal_per_seat",
      CASE
        WHEN "t67"."m__gut" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t67"."m__deal_sum_30d" AS DOUBLE PRECISION) / "t67"."m__gut"
      END AS "m__deal_per_gut",
      CASE
        WHEN CAST("t67"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t67"."m__events_trend" / CAST("t67"."m__seats" AS DOUBLE PRECISION)
      END AS "m__trend_per_seat",
      CASE
        WHEN CASE
          WHEN "t67"."m__quota" ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
          THEN CAST("t67"."m__quota" AS DOUBLE PRECISION)
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t67"."m__deal_sum_30d" AS DOUBLE PRECISION) / CASE
          WHEN "t67"."m__quota" ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
          THEN CAST("t67"."m__quota" AS DOUBLE PRECISION)
          ELSE CAST(NULL AS DOUBLE PRECISION)
        END
      END AS "m__deal_share_of_quota",
      CASE
        WHEN "t67"."m__events_per_user_30d" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST(CASE
          WHEN CAST("t67"."m__seats" AS DOUBLE PRECISION) = 0
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE "t67"."m__deal_sum_30d" / CAST("t67"."m__seats" AS DOUBLE PRECISION)
        END AS DOUBLE PRECISION) / "t67"."m__events_per_user_30d"
      END AS "m__per_seat_per_user",
      CASE
        WHEN "t67"."m__deal_sum_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t67"."m__deal_sum_30d" - 0.0
              ) AS DOUBLE PRECISION) / 200.0
            ) * 100
          )
        )
      END AS "g__deals",
      CASE
        WHEN "t67"."m__events_per_user_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t67"."m__events_per_user_30d" - 0.0
              ) AS DOUBLE PRECISION) / 5.0
            ) * 100
          )
        )
      END AS "g__depth",
      0.0 + CASE
        WHEN CASE
          WHEN "t67"."m__deal_sum_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t67"."m__deal_sum_30d" - 0.0
                ) AS DOUBLE PRECISION) / 200.0
              ) * 100
            )
          )
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END + CASE
        WHEN CASE
          WHEN "t67"."m__events_per_user_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t67"."m__events_per_user_30d" - 0.0
                ) AS DOUBLE PRECISION) / 5.0
              ) * 100
            )
          )
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END AS "den__main"
    FROM (
      SELECT
        "t66"."account_id",
        "t66"."segment",
        "t66"."m__quota",
        "t66"."m__seats",
        "t66"."m__deal_sum_30d",
        "t66"."m__deal_avg_30d",
        "t66"."m__deal_min_30d",
        "t66"."m__deal_value_per_user_30d",
        "t66"."age__deal_sum_30d",
        "t66"."age__deal_avg_30d",
        "t66"."age__deal_min_30d",
        "t66"."age__deal_value_per_user_30d",
        "t66"."m__deal_max_all",
        "t66"."m__deal_latest",
        "t66"."age__deal_max_all",
        "t66"."age__deal_latest",
        "t66"."m__plans_30d",
        "t66"."m__events_30d",
        "t66"."m__events_per_user_30d",
        "t66"."m__events_30d_tenure",
        "t66"."age__plans_30d",
        "t66"."age__events_30d",
        "t66"."age__events_per_user_30d",
        "t66"."age__events_30d_tenure",
        "t66"."m__paid_deals_30d",
        "t66"."age__paid_deals_30d",
        "t66"."m__not_free_30d",
        "t66"."age__not_free_30d",
        "t66"."m__value_30_30d",
        "t66"."age__value_30_30d",
        "t66"."m__per_user_trend",
        "t66"."m__events_trend",
        "t43"."_num" AS "m__gut",
        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t43"."_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__gut"
      FROM (
        SELECT
          "t64"."account_id",
          "t64"."segment",
          "t64"."m__quota",
          "t64"."m__seats",
          "t64"."m__deal_sum_30d",
          "t64"."m__deal_avg_30d",
          "t64"."m__deal_min_30d",
          "t64"."m__deal_value_per_user_30d",
          "t64"."age__deal_sum_30d",
          "t64"."age__deal_avg_30d",
          "t64"."age__deal_min_30d",
          "t64"."age__deal_value_per_user_30d",
          "t64"."m__deal_max_all",
          "t64"."m__deal_latest",
          "t64"."age__deal_max_all",
          "t64"."age__deal_latest",
          "t64"."m__plans_30d",
          "t64"."m__events_30d",
          "t64"."m__events_per_user_30d",
          "t64"."m__events_30d_tenure",
          "t64"."age__plans_30d",
          "t64"."age__events_30d",
          "t64"."age__events_per_user_30d",
          "t64"."age__events_30d_tenure",
          "t64"."m__paid_deals_30d",
          "t64"."age__paid_deals_30d",
          "t64"."m__not_free_30d",
          "t64"."age__not_free_30d",
          "t64"."m__value_30_30d",
          "t64"."age__value_30_30d",
          CASE
            WHEN (
              "t64"."m__events_per_user_30d__previous" = 0
            )
            AND (
              "t64"."m__events_per_user_30d" = 0
            )
            THEN 0.0
            WHEN "t64"."m__events_per_user_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST((
                "t64"."m__events_per_user_30d" - "t64"."m__events_per_user_30d__previous"
              ) AS DOUBLE PRECISION) / "t64"."m__events_per_user_30d__previous"
            ) * 100
          END AS "m__per_user_trend",
          CASE
            WHEN (
              "t64"."m__events_30d__previous" = 0
            ) AND (
              "t64"."m__events_30d" = 0
            )
            THEN 0.0
            WHEN "t64"."m__events_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST("t64"."m__events_30d" - "t64"."m__events_30d__previous" AS DOUBLE PRECISION) / "t64"."m__events_30d__previous"
            ) * 100
          END AS "m__events_trend"
        FROM (
          SELECT
            "t63"."account_id",
            "t63"."segment",
            "t63"."m__quota",
            "t63"."m__seats",
            "t63"."m__deal_sum_30d",
            "t63"."m__deal_avg_30d",
            "t63"."m__deal_min_30d",
            CASE
              WHEN "t63"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t63"."m__deal_value_per_user_30d" AS DOUBLE PRECISION) / "t63"."m___users_30_0"
            END AS "m__deal_value_per_user_30d",
            "t63"."age__deal_sum_30d",
            "t63"."age__deal_avg_30d",
            "t63"."age__deal_min_30d",
            "t63"."age__deal_value_per_user_30d",
            "t63"."m__deal_max_all",
            "t63"."m__deal_latest",
            "t63"."age__deal_max_all",
            "t63"."age__deal_latest",
            "t63"."m__plans_30d",
            "t63"."m__events_30d",
            CASE
              WHEN "t63"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t63"."m__events_per_user_30d" AS DOUBLE PRECISION) / "t63"."m___users_30_0"
            END AS "m__events_per_user_30d",
            (
              CAST("t63"."m__events_30d_tenure" AS DOUBLE PRECISION) * 30
            ) / CAST(GREATEST(
              LEAST(
                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST("t5"."_since" AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
                30
              ),
              1
            ) AS DOUBLE PRECISION) AS "m__events_30d_tenure",
            "t63"."age__plans_30d",
            "t63"."age__events_30d",
            "t63"."age__events_per_user_30d",
            "t63"."age__events_30d_tenure",
            "t63"."m__paid_deals_30d",
            "t63"."age__paid_deals_30d",
            "t63"."m__not_free_30d",
            "t63"."age__not_free_30d",
            "t63"."m__value_30_30d",
            "t63"."age__value_30_30d",
            CASE
              WHEN "t63"."m___users_30_30" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t63"."m__events_per_user_30d__previous" AS DOUBLE PRECISION) / "t63"."m___users_30_30"
            END AS "m__events_per_user_30d__previous",
            "t63"."m__events_30d__previous"
          FROM (
            SELECT
              "t61"."account_id",
              "t61"."segment",
              "t61"."m__quota",
              "t61"."m__seats",
              "t61"."m__deal_sum_30d",
              "t61"."m__deal_avg_30d",
              "t61"."m__deal_min_30d",
              "t61"."m__deal_value_per_user_30d",
              "t61"."age__deal_sum_30d",
              "t61"."age__deal_avg_30d",
              "t61"."age__deal_min_30d",
              "t61"."age__deal_value_per_user_30d",
              "t61"."m__deal_max_all",
              "t61"."m__deal_latest",
              "t61"."age__deal_max_all",
              "t61"."age__deal_latest",
              "t61"."m__plans_30d",
              "t61"."m__events_30d",
              "t61"."m__events_per_user_30d",
              "t61"."m___users_30_0",
              "t61"."m__events_30d_tenure",
              "t61"."age__plans_30d",
              "t61"."age__events_30d",
              "t61"."age__events_per_user_30d",
              "t61"."age__events_30d_tenure",
              "t61"."m__paid_deals_30d",
              "t61"."age__paid_deals_30d",
              "t61"."m__not_free_30d",
              "t61"."age__not_free_30d",
              "t61"."m__value_30_30d",
              "t61"."age__value_30_30d",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t61"."m__events_per_user_30d__previous", 0)
                ELSE "t61"."m__events_per_user_30d__previous"
              END AS "m__events_per_user_30d__previous",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t61"."m___users_30_30", 0)
                ELSE "t61"."m___users_30_30"
              END AS "m___users_30_30",
              CASE
                WHEN (
                  SELECT
                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                  FROM (
                    SELECT
                      *
                    FROM "events" AS "t2"
                    WHERE
                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    LIMIT 1
                  ) AS "t22"
                )
                THEN COALESCE("t61"."m__events_30d__previous", 0)
                ELSE "t61"."m__events_30d__previous"
              END AS "m__events_30d__previous"
            FROM (
              SELECT
                "t60"."account_id",
                "t60"."segment",
                "t60"."m__quota",
                "t60"."m__seats",
                "t60"."m__deal_sum_30d",
                "t60"."m__deal_avg_30d",
                "t60"."m__deal_min_30d",
                "t60"."m__deal_value_per_user_30d",
                "t60"."age__deal_sum_30d",
                "t60"."age__deal_avg_30d",
                "t60"."age__deal_min_30d",
                "t60"."age__deal_value_per_user_30d",
                "t60"."m__deal_max_all",
                "t60"."m__deal_latest",
                "t60"."age__deal_max_all",
                "t60"."age__deal_latest",
                "t60"."m__plans_30d",
                "t60"."m__events_30d",
                "t60"."m__events_per_user_30d",
                "t60"."m___users_30_0",
                "t60"."m__events_30d_tenure",
                "t60"."age__plans_30d",
                "t60"."age__events_30d",
                "t60"."age__events_per_user_30d",
                "t60"."age__events_30d_tenure",
                "t60"."m__paid_deals_30d",
                "t60"."age__paid_deals_30d",
                "t60"."m__not_free_30d",
                "t60"."age__not_free_30d",
                "t60"."m__value_30_30d",
                "t60"."age__value_30_30d",
                "t34"."m__events_per_user_30d__previous",
                "t34"."m___users_30_30",
                "t34"."m__events_30d__previous"
              FROM (
                SELECT
                  "t58"."account_id",
                  "t58"."segment",
                  "t58"."m__quota",
                  "t58"."m__seats",
                  "t58"."m__deal_sum_30d",
                  "t58"."m__deal_avg_30d",
                  "t58"."m__deal_min_30d",
                  "t58"."m__deal_value_per_user_30d",
                  "t58"."age__deal_sum_30d",
                  "t58"."age__deal_avg_30d",
                  "t58"."age__deal_min_30d",
                  "t58"."age__deal_value_per_user_30d",
                  "t58"."m__deal_max_all",
                  "t58"."m__deal_latest",
                  "t58"."age__deal_max_all",
                  "t58"."age__deal_latest",
                  "t58"."m__plans_30d",
                  "t58"."m__events_30d",
                  "t58"."m__events_per_user_30d",
                  "t58"."m___users_30_0",
                  "t58"."m__events_30d_tenure",
                  "t58"."age__plans_30d",
                  "t58"."age__events_30d",
                  "t58"."age__events_per_user_30d",
                  "t58"."age__events_30d_tenure",
                  "t58"."m__paid_deals_30d",
                  "t58"."age__paid_deals_30d",
                  "t58"."m__not_free_30d",
                  "t58"."age__not_free_30d",
                  CASE
                    WHEN (
                      SELECT
                        COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                      FROM (
                        SELECT
                          *
                        FROM "events" AS "t2"
                        WHERE
                          "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                        LIMIT 1
                      ) AS "t17"
                    )
                    THEN COALESCE("t58"."m__value_30_30d", 0)
                    ELSE "t58"."m__value_30_30d"
                  END AS "m__value_30_30d",
                  "t58"."age__value_30_30d"
                FROM (
                  SELECT
                    "t57"."account_id",
                    "t57"."segment",
                    "t57"."m__quota",
                    "t57"."m__seats",
                    "t57"."m__deal_sum_30d",
                    "t57"."m__deal_avg_30d",
                    "t57"."m__deal_min_30d",
                    "t57"."m__deal_value_per_user_30d",
                    "t57"."age__deal_sum_30d",
                    "t57"."age__deal_avg_30d",
                    "t57"."age__deal_min_30d",
                    "t57"."age__deal_value_per_user_30d",
                    "t57"."m__deal_max_all",
                    "t57"."m__deal_latest",
                    "t57"."age__deal_max_all",
                    "t57"."age__deal_latest",
                    "t57"."m__plans_30d",
                    "t57"."m__events_30d",
                    "t57"."m__events_per_user_30d",
                    "t57"."m___users_30_0",
                    "t57"."m__events_30d_tenure",
                    "t57"."age__plans_30d",
                    "t57"."age__events_30d",
                    "t57"."age__events_per_user_30d",
                    "t57"."age__events_30d_tenure",
                    "t57"."m__paid_deals_30d",
                    "t57"."age__paid_deals_30d",
                    "t57"."m__not_free_30d",
                    "t57"."age__not_free_30d",
                    "t41"."m__value_30_30d",
                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t41"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__value_30_30d"
                  FROM (
                    SELECT
                      "t55"."account_id",
                      "t55"."segment",
                      "t55"."m__quota",
                      "t55"."m__seats",
                      "t55"."m__deal_sum_30d",
                      "t55"."m__deal_avg_30d",
                      "t55"."m__deal_min_30d",
                      "t55"."m__deal_value_per_user_30d",
                      "t55"."age__deal_sum_30d",
                      "t55"."age__deal_avg_30d",
                      "t55"."age__deal_min_30d",
                      "t55"."age__deal_value_per_user_30d",
                      "t55"."m__deal_max_all",
                      "t55"."m__deal_latest",
                      "t55"."age__deal_max_all",
                      "t55"."age__deal_latest",
                      "t55"."m__plans_30d",
                      "t55"."m__events_30d",
                      "t55"."m__events_per_user_30d",
                      "t55"."m___users_30_0",
                      "t55"."m__events_30d_tenure",
                      "t55"."age__plans_30d",
                      "t55"."age__events_30d",
                      "t55"."age__events_per_user_30d",
                      "t55"."age__events_30d_tenure",
                      "t55"."m__paid_deals_30d",
                      "t55"."age__paid_deals_30d",
                      CASE
                        WHEN (
                          SELECT
                            COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                          FROM (
                            SELECT
                              *
                            FROM "events" AS "t2"
                            WHERE
                              "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            LIMIT 1
                          ) AS "t17"
                        )
                        THEN COALESCE("t55"."m__not_free_30d", 0)
                        ELSE "t55"."m__not_free_30d"
                      END AS "m__not_free_30d",
                      "t55"."age__not_free_30d"
                    FROM (
                      SELECT
                        "t54"."account_id",
                        "t54"."segment",
                        "t54"."m__quota",
                        "t54"."m__seats",
                        "t54"."m__deal_sum_30d",
                        "t54"."m__deal_avg_30d",
                        "t54"."m__deal_min_30d",
                        "t54"."m__deal_value_per_user_30d",
                        "t54"."age__deal_sum_30d",
                        "t54"."age__deal_avg_30d",
                        "t54"."age__deal_min_30d",
                        "t54"."age__deal_value_per_user_30d",
                        "t54"."m__deal_max_all",
                        "t54"."m__deal_latest",
                        "t54"."age__deal_max_all",
                        "t54"."age__deal_latest",
                        "t54"."m__plans_30d",
                        "t54"."m__events_30d",
                        "t54"."m__events_per_user_30d",
                        "t54"."m___users_30_0",
                        "t54"."m__events_30d_tenure",
                        "t54"."age__plans_30d",
                        "t54"."age__events_30d",
                        "t54"."age__events_per_user_30d",
                        "t54"."age__events_30d_tenure",
                        "t54"."m__paid_deals_30d",
                        "t54"."age__paid_deals_30d",
                        "t37"."m__not_free_30d",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t37"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__not_free_30d"
                      FROM (
                        SELECT
                          "t52"."account_id",
                          "t52"."segment",
                          "t52"."m__quota",
                          "t52"."m__seats",
                          "t52"."m__deal_sum_30d",
                          "t52"."m__deal_avg_30d",
                          "t52"."m__deal_min_30d",
                          "t52"."m__deal_value_per_user_30d",
                          "t52"."age__deal_sum_30d",
                          "t52"."age__deal_avg_30d",
                          "t52"."age__deal_min_30d",
                          "t52"."age__deal_value_per_user_30d",
                          "t52"."m__deal_max_all",
                          "t52"."m__deal_latest",
                          "t52"."age__deal_max_all",
                          "t52"."age__deal_latest",
                          "t52"."m__plans_30d",
                          "t52"."m__events_30d",
                          "t52"."m__events_per_user_30d",
                          "t52"."m___users_30_0",
                          "t52"."m__events_30d_tenure",
                          "t52"."age__plans_30d",
                          "t52"."age__events_30d",
                          "t52"."age__events_per_user_30d",
                          "t52"."age__events_30d_tenure",
                          CASE
                            WHEN (
                              SELECT
                                COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                              FROM (
                                SELECT
                                  *
                                FROM "events" AS "t2"
                                WHERE
                                  "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                LIMIT 1
                              ) AS "t17"
                            )
                            THEN COALESCE("t52"."m__paid_deals_30d", 0)
                            ELSE "t52"."m__paid_deals_30d"
                          END AS "m__paid_deals_30d",
                          "t52"."age__paid_deals_30d"
                        FROM (
                          SELECT
                            "t51"."account_id",
                            "t51"."segment",
                            "t51"."m__quota",
                            "t51"."m__seats",
                            "t51"."m__deal_sum_30d",
                            "t51"."m__deal_avg_30d",
                            "t51"."m__deal_min_30d",
                            "t51"."m__deal_value_per_user_30d",
                            "t51"."age__deal_sum_30d",
                            "t51"."age__deal_avg_30d",
                            "t51"."age__deal_min_30d",
                            "t51"."age__deal_value_per_user_30d",
                            "t51"."m__deal_max_all",
                            "t51"."m__deal_latest",
                            "t51"."age__deal_max_all",
                            "t51"."age__deal_latest",
                            "t51"."m__plans_30d",
                            "t51"."m__events_30d",
                            "t51"."m__events_per_user_30d",
                            "t51"."m___users_30_0",
                            "t51"."m__events_30d_tenure",
                            "t51"."age__plans_30d",
                            "t51"."age__events_30d",
                            "t51"."age__events_per_user_30d",
                            "t51"."age__events_30d_tenure",
                            "t31"."m__paid_deals_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t31"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__paid_deals_30d"
                          FROM (
                            SELECT
                              "t49"."account_id",
                              "t49"."segment",
                              "t49"."m__quota",
                              "t49"."m__seats",
                              "t49"."m__deal_sum_30d",
                              "t49"."m__deal_avg_30d",
                              "t49"."m__deal_min_30d",
                              "t49"."m__deal_value_per_user_30d",
                              "t49"."age__deal_sum_30d",
                              "t49"."age__deal_avg_30d",
                              "t49"."age__deal_min_30d",
                              "t49"."age__deal_value_per_user_30d",
                              "t49"."m__deal_max_all",
                              "t49"."m__deal_latest",
                              "t49"."age__deal_max_all",
                              "t49"."age__deal_latest",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t49"."m__plans_30d", 0)
                                ELSE "t49"."m__plans_30d"
                              END AS "m__plans_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
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
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t49"."m__events_per_user_30d", 0)
                                ELSE "t49"."m__events_per_user_30d"
                              END AS "m__events_per_user_30d",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t49"."m___users_30_0", 0)
                                ELSE "t49"."m___users_30_0"
                              END AS "m___users_30_0",
                              CASE
                                WHEN (
                                  SELECT
                                    COUNT(*) > 0 AS "Greater(CountStar(), 0)"
                                  FROM (
                                    SELECT
                                      *
                                    FROM "events" AS "t2"
                                    WHERE
                                      "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    LIMIT 1
                                  ) AS "t17"
                                )
                                THEN COALESCE("t49"."m__events_30d_tenure", 0)
                                ELSE "t49"."m__events_30d_tenure"
                              END AS "m__events_30d_tenure",
                              "t49"."age__plans_30d",
                              "t49"."age__events_30d",
                              "t49"."age__events_per_user_30d",
                              "t49"."age__events_30d_tenure"
                            FROM (
                              SELECT
                                "t48"."account_id",
                                "t48"."segment",
                                "t48"."m__quota",
                                "t48"."m__seats",
                                "t42"."m__deal_sum_30d",
                                "t42"."m__deal_avg_30d",
                                "t42"."m__deal_min_30d",
                                "t42"."m__deal_value_per_user_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_sum_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_avg_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_min_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_value_per_user_30d",
                                "t44"."m__deal_max_all",
                                "t44"."m__deal_latest",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t44"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_max_all",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t44"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_latest",
                                "t32"."m__plans_30d",
                                "t32"."m__events_30d",
                                "t32"."m__events_per_user_30d",
                                "t32"."m___users_30_0",
                                "t32"."m__events_30d_tenure",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t32"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__plans_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t32"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t32"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_per_user_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t32"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d_tenure"
                              FROM (
                                SELECT
                                  "t46"."account_id",
                                  "t46"."segment",
                                  JSONB_EXTRACT_PATH_TEXT("t46"."attributes", 'quota') AS "m__quota",
                                  "t46"."seats" AS "m__seats"
                                FROM (
                                  SELECT
                                    "t45"."id" AS "account_id",
                                    "t45"."name",
                                    "t45"."owner",
                                    "t45"."segment",
                                    "t45"."industry",
                                    "t45"."plan",
                                    "t45"."arr",
                                    "t45"."seats",
                                    "t45"."customer_since",
                                    "t45"."renewal_date",
                                    "t45"."parent_id",
                                    "t45"."attributes",
                                    "t45"."updated_at"
                                  FROM (
                                    SELECT
                                      "t14"."id",
                                      "t14"."name",
                                      "t14"."owner",
                                      "t14"."segment",
                                      "t14"."industry",
                                      "t14"."plan",
                                      "t14"."arr",
                                      "t14"."seats",
                                      "t14"."customer_since",
                                      "t14"."renewal_date",
                                      "t14"."parent_id",
                                      "t14"."attributes",
                                      "t14"."updated_at"
                                    FROM "t6" AS "t14"
                                    WHERE
                                      NOT EXISTS(
                                        SELECT
                                          1
                                        FROM (
                                          SELECT
                                            "t13"."account_id" AS "gid"
                                          FROM (
                                            SELECT
                                              *
                                            FROM "outcomes" AS "t3"
                                            WHERE
                                              "t3"."kind" = 'churned' AND "t3"."date" <= MAKE_DATE(2024, 6, 30)
                                          ) AS "t13"
                                          INNER JOIN "t6" AS "t15"
                                            ON "t13"."account_id" = "t15"."id" AND "t13"."date" >= "t15"."customer_since"
                                        ) AS "t35"
                                        WHERE
                                          "t14"."id" = "t35"."gid"
                                      )
                                  ) AS "t45"
                                ) AS "t46"
                              ) AS "t48"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t11"."account_id" AS "_account",
                                  SUM(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_sum_30d",
                                  AVG(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_avg_30d",
                                  MIN(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_min_30d",
                                  SUM(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_value_per_user_30d",
                                  MAX("t11"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t11"
                                GROUP BY
                                  1
                              ) AS "t42"
                                ON "t48"."account_id" = "t42"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t10"."account_id" AS "_account",
                                  MAX(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_max_all",
                                  (
                                    ARRAY_AGG(
                                      CASE
                                        WHEN JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                        THEN CAST(JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') AS DOUBLE PRECISION)
                                        ELSE CAST(NULL AS DOUBLE PRECISION)
                                      END ORDER BY "t10"."timestamp" DESC NULLS LAST
                                    ) FILTER(WHERE
                                      "t10"."timestamp" IS NOT NULL
                                      AND CASE
                                        WHEN JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                        THEN CAST(JSONB_EXTRACT_PATH_TEXT("t10"."properties", 'value') AS DOUBLE PRECISION)
                                        ELSE CAST(NULL AS DOUBLE PRECISION)
                                      END IS NOT NULL)
                                  )[1] AS "m__deal_latest",
                                  MAX("t10"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t10"
                                GROUP BY
                                  1
                              ) AS "t44"
                                ON "t48"."account_id" = "t44"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t12"."account_id" AS "_account",
                                  COUNT(DISTINCT JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'plan')) AS "m__plans_30d",
                                  COUNT(*) AS "m__events_30d",
                                  COUNT(*) AS "m__events_per_user_30d",
                                  COUNT(DISTINCT "t12"."user_id") AS "m___users_30_0",
                                  COUNT(*) AS "m__events_30d_tenure",
                                  MAX("t12"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                ) AS "t12"
                                GROUP BY
                                  1
                              ) AS "t32"
                                ON "t48"."account_id" = "t32"."_account"
                            ) AS "t49"
                          ) AS "t51"
                          LEFT OUTER JOIN (
                            SELECT
                              "t18"."account_id" AS "_account",
                              COUNT(*) AS "m__paid_deals_30d",
                              MAX("t18"."timestamp") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "events" AS "t2"
                              WHERE
                                "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                AND COALESCE(JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'plan') IN ('pro', 'team'), FALSE)
                            ) AS "t18"
                            GROUP BY
                              1
                          ) AS "t31"
                            ON "t51"."account_id" = "t31"."_account"
                        ) AS "t52"
                      ) AS "t54"
                      LEFT OUTER JOIN (
                        SELECT
                          "t21"."account_id" AS "_account",
                          COUNT(*) AS "m__not_free_30d",
                          MAX("t21"."timestamp") AS "_newest"
                        FROM (
                          SELECT
                            *
                          FROM "events" AS "t2"
                          WHERE
                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                            AND NOT (
                              COALESCE(JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'plan') IN ('free'), FALSE)
                            )
                        ) AS "t21"
                        GROUP BY
                          1
                      ) AS "t37"
                        ON "t54"."account_id" = "t37"."_account"
                    ) AS "t55"
                  ) AS "t57"
                  LEFT OUTER JOIN (
                    SELECT
                      "t23"."account_id" AS "_account",
                      COUNT(*) AS "m__value_30_30d",
                      MAX("t23"."timestamp") AS "_newest"
                    FROM (
                      SELECT
                        *
                      FROM "events" AS "t2"
                      WHERE
                        "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                        AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                        AND COALESCE(
                          CASE
                            WHEN JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                            THEN CAST(JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'value') AS DOUBLE PRECISION)
                            ELSE CAST(NULL AS DOUBLE PRECISION)
                          END IN (30.0),
                          FALSE
                        )
                    ) AS "t23"
                    GROUP BY
                      1
                  ) AS "t41"
                    ON "t57"."account_id" = "t41"."_account"
                ) AS "t58"
              ) AS "t60"
              LEFT OUTER JOIN (
                SELECT
                  "t20"."account_id" AS "_account",
                  COUNT(*) AS "m__events_per_user_30d__previous",
                  COUNT(DISTINCT "t20"."user_id") AS "m___users_30_30",
                  COUNT(*) AS "m__events_30d__previous"
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t2"
                  WHERE
                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '-29 DAY' AS TIMESTAMP)
                ) AS "t20"
                GROUP BY
                  1
              ) AS "t34"
                ON "t60"."account_id" = "t34"."_account"
            ) AS "t61"
          ) AS "t63"
          LEFT OUTER JOIN (
            SELECT
              "t1"."id" AS "_since_id",
              "t1"."customer_since" AS "_since"
            FROM "accounts" AS "t1"
          ) AS "t5"
            ON "t63"."account_id" = "t5"."_since_id"
        ) AS "t64"
      ) AS "t66"
      LEFT OUTER JOIN (
        SELECT
          *
        FROM (
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
              AND "t0"."name" IN ('gut')
          ) AS "t16"
          GROUP BY
            1,
            2
        ) AS "t24"
        WHERE
          "t24"."_input" = 'gut'
      ) AS "t43"
        ON "t66"."account_id" = "t43"."_acc"
    ) AS "t67"
  ) AS "t68"
) AS "t69"
