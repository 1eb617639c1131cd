WITH "t8" AS (
  SELECT
    *
  FROM "accounts" AS "t1"
  WHERE
    "t1"."customer_since" <= MAKE_DATE(2024, 6, 30)
)
SELECT
  "t93"."account_id",
  "t93"."segment",
  "t93"."m__quota",
  "t93"."m__seats",
  "t93"."m__deal_sum_30d",
  "t93"."m__deal_avg_30d",
  "t93"."m__deal_min_30d",
  "t93"."m__deal_value_per_user_30d",
  "t93"."age__deal_sum_30d",
  "t93"."age__deal_avg_30d",
  "t93"."age__deal_min_30d",
  "t93"."age__deal_value_per_user_30d",
  "t93"."m__deal_max_all",
  "t93"."m__deal_latest",
  "t93"."age__deal_max_all",
  "t93"."age__deal_latest",
  "t93"."m__plans_30d",
  "t93"."m__events_30d",
  "t93"."m__events_per_user_30d",
  "t93"."m__events_30d_tenure",
  "t93"."age__plans_30d",
  "t93"."age__events_30d",
  "t93"."age__events_per_user_30d",
  "t93"."age__events_30d_tenure",
  "t93"."m__paid_deals_30d",
  "t93"."age__paid_deals_30d",
  "t93"."m__not_free_30d",
  "t93"."age__not_free_30d",
  "t93"."m__value_30_30d",
  "t93"."age__value_30_30d",
  "t93"."m__champion_events_30d",
  "t93"."age__champion_events_30d",
  "t93"."m__not_champion_30d",
  "t93"."age__not_champion_30d",
  "t93"."m__days_since_champion",
  "t93"."age__days_since_champion",
  "t93"."m__per_user_trend",
  "t93"."m__events_trend",
  "t93"."m__gut",
  "t93"."age__gut",
  "t93"."m__deal_per_seat",
  "t93"."m__deal_per_gut",
  "t93"."m__trend_per_seat",
  "t93"."m__deal_share_of_quota",
  "t93"."m__per_seat_per_user",
  "t93"."g__deals",
  "t93"."g__depth",
  CAST(CAST(ROUND(
    CAST(CAST((
      CAST((
        CASE
          WHEN "t93"."scorecard__health" = 'main'
          THEN "t93"."cs__main"
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
            WHEN "t93"."scorecard__health" = 'main'
            THEN "t93"."cs__main"
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
            WHEN "t93"."scorecard__health" = 'main'
            THEN "t93"."cs__main"
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
            WHEN "t93"."scorecard__health" = 'main'
            THEN "t93"."cs__main"
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
    WHEN "t93"."scorecard__health" = 'main'
    THEN "t93"."cov__main"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "coverage__health",
  "t93"."segment__health",
  "t93"."scorecard__health",
  CASE
    WHEN "t93"."scorecard__health" = 'main'
    THEN "t93"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__deals",
  CASE
    WHEN "t93"."scorecard__health" = 'main'
    THEN "t93"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t93"."g__deals", 0.0) * 1.0 AS "c__health__deals",
  CASE
    WHEN "t93"."scorecard__health" = 'main'
    THEN "t93"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__depth",
  CASE
    WHEN "t93"."scorecard__health" = 'main'
    THEN "t93"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t93"."g__depth", 0.0) * 1.0 AS "c__health__depth"
FROM (
  SELECT
    "t92"."account_id",
    "t92"."segment",
    "t92"."m__quota",
    "t92"."m__seats",
    "t92"."m__deal_sum_30d",
    "t92"."m__deal_avg_30d",
    "t92"."m__deal_min_30d",
    "t92"."m__deal_value_per_user_30d",
    "t92"."age__deal_sum_30d",
    "t92"."age__deal_avg_30d",
    "t92"."age__deal_min_30d",
    "t92"."age__deal_value_per_user_30d",
    "t92"."m__deal_max_all",
    "t92"."m__deal_latest",
    "t92"."age__deal_max_all",
    "t92"."age__deal_latest",
    "t92"."m__plans_30d",
    "t92"."m__events_30d",
    "t92"."m__events_per_user_30d",
    "t92"."m__events_30d_tenure",
    "t92"."age__plans_30d",
    "t92"."age__events_30d",
    "t92"."age__events_per_user_30d",
    "t92"."age__events_30d_tenure",
    "t92"."m__paid_deals_30d",
    "t92"."age__paid_deals_30d",
    "t92"."m__not_free_30d",
    "t92"."age__not_free_30d",
    "t92"."m__value_30_30d",
    "t92"."age__value_30_30d",
    "t92"."m__champion_events_30d",
    "t92"."age__champion_events_30d",
    "t92"."m__not_champion_30d",
    "t92"."age__not_champion_30d",
    "t92"."m__days_since_champion",
    "t92"."age__days_since_champion",
    "t92"."m__per_user_trend",
    "t92"."m__events_trend",
    "t92"."m__gut",
    "t92"."age__gut",
    "t92"."m__deal_per_seat",
    "t92"."m__deal_per_gut",
    "t92"."m__trend_per_seat",
    "t92"."m__deal_share_of_quota",
    "t92"."m__per_seat_per_user",
    "t92"."g__deals",
    "t92"."g__depth",
    "t92"."den__main",
    1.0 * CASE
      WHEN "t92"."den__main" > 0
      THEN CAST(CASE WHEN "t92"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t92"."den__main"
      ELSE 0.0
    END AS "ew__main__deals",
    1.0 * CASE
      WHEN "t92"."den__main" > 0
      THEN CAST(CASE WHEN "t92"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t92"."den__main"
      ELSE 0.0
    END AS "ew__main__depth",
    CASE
      WHEN "t92"."den__main" > 0
      THEN 0.0 + (
        1.0 * CASE
          WHEN "t92"."den__main" > 0
          THEN CAST(CASE WHEN "t92"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t92"."den__main"
          ELSE 0.0
        END * COALESCE("t92"."g__deals", 0.0)
      ) + (
        1.0 * CASE
          WHEN "t92"."den__main" > 0
          THEN CAST(CASE WHEN "t92"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t92"."den__main"
          ELSE 0.0
        END * COALESCE("t92"."g__depth", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__main",
    CAST(CAST(0.0 + CASE WHEN "t92"."g__deals" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t92"."g__depth" IS NOT NULL THEN 0.5 ELSE 0.0 END AS DECIMAL(38, 9)) AS DOUBLE PRECISION) AS "cov__main",
    CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END AS "segment__health",
    CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END AS "scorecard__health"
  FROM (
    SELECT
      "t91"."account_id",
      "t91"."segment",
      "t91"."m__quota",
      "t91"."m__seats",
      "t91"."m__deal_sum_30d",
      "t91"."m__deal_avg_30d",
      "t91"."m__deal_min_30d",
      "t91"."m__deal_value_per_user_30d",
      "t91"."age__deal_sum_30d",
      "t91"."age__deal_avg_30d",
      "t91"."age__deal_min_30d",
      "t91"."age__deal_value_per_user_30d",
      "t91"."m__deal_max_all",
      "t91"."m__deal_latest",
      "t91"."age__deal_max_all",
      "t91"."age__deal_latest",
      "t91"."m__plans_30d",
      "t91"."m__events_30d",
      "t91"."m__events_per_user_30d",
      "t91"."m__events_30d_tenure",
      "t91"."age__plans_30d",
      "t91"."age__events_30d",
      "t91"."age__events_per_user_30d",
      "t91"."age__events_30d_tenure",
      "t91"."m__paid_deals_30d",
      "t91"."age__paid_deals_30d",
      "t91"."m__not_free_30d",
      "t91"."age__not_free_30d",
      "t91"."m__value_30_30d",
      "t91"."age__value_30_30d",
      "t91"."m__champion_events_30d",
      "t91"."age__champion_events_30d",
      "t91"."m__not_champion_30d",
      "t91"."age__not_champion_30d",
      "t91"."m__days_since_champion",
      "t91"."age__days_since_champion",
      "t91"."m__per_user_trend",
      "t91"."m__events_trend",
      "t91"."m__gut",
      "t91"."age__gut",
      CASE
        WHEN CAST("t91"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t91"."m__deal_sum_30d" / CAST("t91"."m__seats" AS DOUBLE PRECISION)
      END AS "m__deal_per_seat",
      CASE
        WHEN "t91"."m__gut" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t91"."m__deal_sum_30d" AS DOUBLE PRECISION) / "t91"."m__gut"
      END AS "m__deal_per_gut",
      CASE
        WHEN CAST("t91"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t91"."m__events_trend" / CAST("t91"."m__seats" AS DOUBLE PRECISION)
      END AS "m__trend_per_seat",
      CASE
        WHEN "t91"."m__quota" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t91"."m__deal_sum_30d" AS DOUBLE PRECISION) / "t91"."m__quota"
      END AS "m__deal_share_of_quota",
      CASE
        WHEN "t91"."m__events_per_user_30d" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST(CASE
          WHEN CAST("t91"."m__seats" AS DOUBLE PRECISION) = 0
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE "t91"."m__deal_sum_30d" / CAST("t91"."m__seats" AS DOUBLE PRECISION)
        END AS DOUBLE PRECISION) / "t91"."m__events_per_user_30d"
      END AS "m__per_seat_per_user",
      CASE
        WHEN "t91"."m__deal_sum_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t91"."m__deal_sum_30d" - 0.0
              ) AS DOUBLE PRECISION) / 200.0
            ) * 100
          )
        )
      END AS "g__deals",
      CASE
        WHEN "t91"."m__events_per_user_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t91"."m__events_per_user_30d" - 0.0
              ) AS DOUBLE PRECISION) / 5.0
            ) * 100
          )
        )
      END AS "g__depth",
      0.0 + CASE
        WHEN CASE
          WHEN "t91"."m__deal_sum_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t91"."m__deal_sum_30d" - 0.0
                ) AS DOUBLE PRECISION) / 200.0
              ) * 100
            )
          )
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END + CASE
        WHEN CASE
          WHEN "t91"."m__events_per_user_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t91"."m__events_per_user_30d" - 0.0
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
        "t90"."account_id",
        "t90"."segment",
        "t90"."m__quota",
        "t90"."m__seats",
        "t90"."m__deal_sum_30d",
        "t90"."m__deal_avg_30d",
        "t90"."m__deal_min_30d",
        "t90"."m__deal_value_per_user_30d",
        "t90"."age__deal_sum_30d",
        "t90"."age__deal_avg_30d",
        "t90"."age__deal_min_30d",
        "t90"."age__deal_value_per_user_30d",
        "t90"."m__deal_max_all",
        "t90"."m__deal_latest",
        "t90"."age__deal_max_all",
        "t90"."age__deal_latest",
        "t90"."m__plans_30d",
        "t90"."m__events_30d",
        "t90"."m__events_per_user_30d",
        "t90"."m__events_30d_tenure",
        "t90"."age__plans_30d",
        "t90"."age__events_30d",
        "t90"."age__events_per_user_30d",
        "t90"."age__events_30d_tenure",
        "t90"."m__paid_deals_30d",
        "t90"."age__paid_deals_30d",
        "t90"."m__not_free_30d",
        "t90"."age__not_free_30d",
        "t90"."m__value_30_30d",
        "t90"."age__value_30_30d",
        "t90"."m__champion_events_30d",
        "t90"."age__champion_events_30d",
        "t90"."m__not_champion_30d",
        "t90"."age__not_champion_30d",
        "t90"."m__days_since_champion",
        "t90"."age__days_since_champion",
        "t90"."m__per_user_trend",
        "t90"."m__events_trend",
        "t58"."_num" AS "m__gut",
        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t58"."_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__gut"
      FROM (
        SELECT
          "t88"."account_id",
          "t88"."segment",
          "t88"."m__quota",
          "t88"."m__seats",
          "t88"."m__deal_sum_30d",
          "t88"."m__deal_avg_30d",
          "t88"."m__deal_min_30d",
          "t88"."m__deal_value_per_user_30d",
          "t88"."age__deal_sum_30d",
          "t88"."age__deal_avg_30d",
          "t88"."age__deal_min_30d",
          "t88"."age__deal_value_per_user_30d",
          "t88"."m__deal_max_all",
          "t88"."m__deal_latest",
          "t88"."age__deal_max_all",
          "t88"."age__deal_latest",
          "t88"."m__plans_30d",
          "t88"."m__events_30d",
          "t88"."m__events_per_user_30d",
          "t88"."m__events_30d_tenure",
          "t88"."age__plans_30d",
          "t88"."age__events_30d",
          "t88"."age__events_per_user_30d",
          "t88"."age__events_30d_tenure",
          "t88"."m__paid_deals_30d",
          "t88"."age__paid_deals_30d",
          "t88"."m__not_free_30d",
          "t88"."age__not_free_30d",
          "t88"."m__value_30_30d",
          "t88"."age__value_30_30d",
          "t88"."m__champion_events_30d",
          "t88"."age__champion_events_30d",
          "t88"."m__not_champion_30d",
          "t88"."age__not_champion_30d",
          "t88"."m__days_since_champion",
          "t88"."age__days_since_champion",
          CASE
            WHEN (
              "t88"."m__events_per_user_30d__previous" = 0
            )
            AND (
              "t88"."m__events_per_user_30d" = 0
            )
            THEN 0.0
            WHEN "t88"."m__events_per_user_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST((
                "t88"."m__events_per_user_30d" - "t88"."m__events_per_user_30d__previous"
              ) AS DOUBLE PRECISION) / "t88"."m__events_per_user_30d__previous"
            ) * 100
          END AS "m__per_user_trend",
          CASE
            WHEN (
              "t88"."m__events_30d__previous" = 0
            ) AND (
              "t88"."m__events_30d" = 0
            )
            THEN 0.0
            WHEN "t88"."m__events_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST("t88"."m__events_30d" - "t88"."m__events_30d__previous" AS DOUBLE PRECISION) / "t88"."m__events_30d__previous"
            ) * 100
          END AS "m__events_trend"
        FROM (
          SELECT
            "t87"."account_id",
            "t87"."segment",
            "t87"."m__quota",
            "t87"."m__seats",
            "t87"."m__deal_sum_30d",
            "t87"."m__deal_avg_30d",
            "t87"."m__deal_min_30d",
            CASE
              WHEN "t87"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t87"."m__deal_value_per_user_30d" AS DOUBLE PRECISION) / "t87"."m___users_30_0"
            END AS "m__deal_value_per_user_30d",
            "t87"."age__deal_sum_30d",
            "t87"."age__deal_avg_30d",
            "t87"."age__deal_min_30d",
            "t87"."age__deal_value_per_user_30d",
            "t87"."m__deal_max_all",
            "t87"."m__deal_latest",
            "t87"."age__deal_max_all",
            "t87"."age__deal_latest",
            "t87"."m__plans_30d",
            "t87"."m__events_30d",
            CASE
              WHEN "t87"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t87"."m__events_per_user_30d" AS DOUBLE PRECISION) / "t87"."m___users_30_0"
            END AS "m__events_per_user_30d",
            (
              CAST("t87"."m__events_30d_tenure" AS DOUBLE PRECISION) * 30
            ) / CAST(GREATEST(
              LEAST(
                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST("t7"."_since" AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
                30
              ),
              1
            ) AS DOUBLE PRECISION) AS "m__events_30d_tenure",
            "t87"."age__plans_30d",
            "t87"."age__events_30d",
            "t87"."age__events_per_user_30d",
            "t87"."age__events_30d_tenure",
            "t87"."m__paid_deals_30d",
            "t87"."age__paid_deals_30d",
            "t87"."m__not_free_30d",
            "t87"."age__not_free_30d",
            "t87"."m__value_30_30d",
            "t87"."age__value_30_30d",
            "t87"."m__champion_events_30d",
            "t87"."age__champion_events_30d",
            "t87"."m__not_champion_30d",
            "t87"."age__not_champion_30d",
            "t87"."m__days_since_champion",
            "t87"."age__days_since_champion",
            CASE
              WHEN "t87"."m___users_30_30" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t87"."m__events_per_user_30d__previous" AS DOUBLE PRECISION) / "t87"."m___users_30_30"
            END AS "m__events_per_user_30d__previous",
            "t87"."m__events_30d__previous"
          FROM (
            SELECT
              "t85"."account_id",
              "t85"."segment",
              "t85"."m__quota",
              "t85"."m__seats",
              "t85"."m__deal_sum_30d",
              "t85"."m__deal_avg_30d",
              "t85"."m__deal_min_30d",
              "t85"."m__deal_value_per_user_30d",
              "t85"."age__deal_sum_30d",
              "t85"."age__deal_avg_30d",
              "t85"."age__deal_min_30d",
              "t85"."age__deal_value_per_user_30d",
              "t85"."m__deal_max_all",
              "t85"."m__deal_latest",
              "t85"."age__deal_max_all",
              "t85"."age__deal_latest",
              "t85"."m__plans_30d",
              "t85"."m__events_30d",
              "t85"."m__events_per_user_30d",
              "t85"."m___users_30_0",
              "t85"."m__events_30d_tenure",
              "t85"."age__plans_30d",
              "t85"."age__events_30d",
              "t85"."age__events_per_user_30d",
              "t85"."age__events_30d_tenure",
              "t85"."m__paid_deals_30d",
              "t85"."age__paid_deals_30d",
              "t85"."m__not_free_30d",
              "t85"."age__not_free_30d",
              "t85"."m__value_30_30d",
              "t85"."age__value_30_30d",
              "t85"."m__champion_events_30d",
              "t85"."age__champion_events_30d",
              "t85"."m__not_champion_30d",
              "t85"."age__not_champion_30d",
              "t85"."m__days_since_champion",
              "t85"."age__days_since_champion",
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
                  ) AS "t29"
                )
                THEN COALESCE("t85"."m__events_per_user_30d__previous", 0)
                ELSE "t85"."m__events_per_user_30d__previous"
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
                  ) AS "t29"
                )
                THEN COALESCE("t85"."m___users_30_30", 0)
                ELSE "t85"."m___users_30_30"
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
                  ) AS "t29"
                )
                THEN COALESCE("t85"."m__events_30d__previous", 0)
                ELSE "t85"."m__events_30d__previous"
              END AS "m__events_30d__previous"
            FROM (
              SELECT
                "t84"."account_id",
                "t84"."segment",
                "t84"."m__quota",
                "t84"."m__seats",
                "t84"."m__deal_sum_30d",
                "t84"."m__deal_avg_30d",
                "t84"."m__deal_min_30d",
                "t84"."m__deal_value_per_user_30d",
                "t84"."age__deal_sum_30d",
                "t84"."age__deal_avg_30d",
                "t84"."age__deal_min_30d",
                "t84"."age__deal_value_per_user_30d",
                "t84"."m__deal_max_all",
                "t84"."m__deal_latest",
                "t84"."age__deal_max_all",
                "t84"."age__deal_latest",
                "t84"."m__plans_30d",
                "t84"."m__events_30d",
                "t84"."m__events_per_user_30d",
                "t84"."m___users_30_0",
                "t84"."m__events_30d_tenure",
                "t84"."age__plans_30d",
                "t84"."age__events_30d",
                "t84"."age__events_per_user_30d",
                "t84"."age__events_30d_tenure",
                "t84"."m__paid_deals_30d",
                "t84"."age__paid_deals_30d",
                "t84"."m__not_free_30d",
                "t84"."age__not_free_30d",
                "t84"."m__value_30_30d",
                "t84"."age__value_30_30d",
                "t84"."m__champion_events_30d",
                "t84"."age__champion_events_30d",
                "t84"."m__not_champion_30d",
                "t84"."age__not_champion_30d",
                "t60"."m__days_since_champion",
                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t60"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__days_since_champion",
                "t44"."m__events_per_user_30d__previous",
                "t44"."m___users_30_30",
                "t44"."m__events_30d__previous"
              FROM (
                SELECT
                  "t82"."account_id",
                  "t82"."segment",
                  "t82"."m__quota",
                  "t82"."m__seats",
                  "t82"."m__deal_sum_30d",
                  "t82"."m__deal_avg_30d",
                  "t82"."m__deal_min_30d",
                  "t82"."m__deal_value_per_user_30d",
                  "t82"."age__deal_sum_30d",
                  "t82"."age__deal_avg_30d",
                  "t82"."age__deal_min_30d",
                  "t82"."age__deal_value_per_user_30d",
                  "t82"."m__deal_max_all",
                  "t82"."m__deal_latest",
                  "t82"."age__deal_max_all",
                  "t82"."age__deal_latest",
                  "t82"."m__plans_30d",
                  "t82"."m__events_30d",
                  "t82"."m__events_per_user_30d",
                  "t82"."m___users_30_0",
                  "t82"."m__events_30d_tenure",
                  "t82"."age__plans_30d",
                  "t82"."age__events_30d",
                  "t82"."age__events_per_user_30d",
                  "t82"."age__events_30d_tenure",
                  "t82"."m__paid_deals_30d",
                  "t82"."age__paid_deals_30d",
                  "t82"."m__not_free_30d",
                  "t82"."age__not_free_30d",
                  "t82"."m__value_30_30d",
                  "t82"."age__value_30_30d",
                  "t82"."m__champion_events_30d",
                  "t82"."age__champion_events_30d",
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
                      ) AS "t22"
                    )
                    THEN COALESCE("t82"."m__not_champion_30d", 0)
                    ELSE "t82"."m__not_champion_30d"
                  END AS "m__not_champion_30d",
                  "t82"."age__not_champion_30d"
                FROM (
                  SELECT
                    "t81"."account_id",
                    "t81"."segment",
                    "t81"."m__quota",
                    "t81"."m__seats",
                    "t81"."m__deal_sum_30d",
                    "t81"."m__deal_avg_30d",
                    "t81"."m__deal_min_30d",
                    "t81"."m__deal_value_per_user_30d",
                    "t81"."age__deal_sum_30d",
                    "t81"."age__deal_avg_30d",
                    "t81"."age__deal_min_30d",
                    "t81"."age__deal_value_per_user_30d",
                    "t81"."m__deal_max_all",
                    "t81"."m__deal_latest",
                    "t81"."age__deal_max_all",
                    "t81"."age__deal_latest",
                    "t81"."m__plans_30d",
                    "t81"."m__events_30d",
                    "t81"."m__events_per_user_30d",
                    "t81"."m___users_30_0",
                    "t81"."m__events_30d_tenure",
                    "t81"."age__plans_30d",
                    "t81"."age__events_30d",
                    "t81"."age__events_per_user_30d",
                    "t81"."age__events_30d_tenure",
                    "t81"."m__paid_deals_30d",
                    "t81"."age__paid_deals_30d",
                    "t81"."m__not_free_30d",
                    "t81"."age__not_free_30d",
                    "t81"."m__value_30_30d",
                    "t81"."age__value_30_30d",
                    "t81"."m__champion_events_30d",
                    "t81"."age__champion_events_30d",
                    "t56"."m__not_champion_30d",
                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t56"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__not_champion_30d"
                  FROM (
                    SELECT
                      "t79"."account_id",
                      "t79"."segment",
                      "t79"."m__quota",
                      "t79"."m__seats",
                      "t79"."m__deal_sum_30d",
                      "t79"."m__deal_avg_30d",
                      "t79"."m__deal_min_30d",
                      "t79"."m__deal_value_per_user_30d",
                      "t79"."age__deal_sum_30d",
                      "t79"."age__deal_avg_30d",
                      "t79"."age__deal_min_30d",
                      "t79"."age__deal_value_per_user_30d",
                      "t79"."m__deal_max_all",
                      "t79"."m__deal_latest",
                      "t79"."age__deal_max_all",
                      "t79"."age__deal_latest",
                      "t79"."m__plans_30d",
                      "t79"."m__events_30d",
                      "t79"."m__events_per_user_30d",
                      "t79"."m___users_30_0",
                      "t79"."m__events_30d_tenure",
                      "t79"."age__plans_30d",
                      "t79"."age__events_30d",
                      "t79"."age__events_per_user_30d",
                      "t79"."age__events_30d_tenure",
                      "t79"."m__paid_deals_30d",
                      "t79"."age__paid_deals_30d",
                      "t79"."m__not_free_30d",
                      "t79"."age__not_free_30d",
                      "t79"."m__value_30_30d",
                      "t79"."age__value_30_30d",
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
                          ) AS "t22"
                        )
                        THEN COALESCE("t79"."m__champion_events_30d", 0)
                        ELSE "t79"."m__champion_events_30d"
                      END AS "m__champion_events_30d",
                      "t79"."age__champion_events_30d"
                    FROM (
                      SELECT
                        "t78"."account_id",
                        "t78"."segment",
                        "t78"."m__quota",
                        "t78"."m__seats",
                        "t78"."m__deal_sum_30d",
                        "t78"."m__deal_avg_30d",
                        "t78"."m__deal_min_30d",
                        "t78"."m__deal_value_per_user_30d",
                        "t78"."age__deal_sum_30d",
                        "t78"."age__deal_avg_30d",
                        "t78"."age__deal_min_30d",
                        "t78"."age__deal_value_per_user_30d",
                        "t78"."m__deal_max_all",
                        "t78"."m__deal_latest",
                        "t78"."age__deal_max_all",
                        "t78"."age__deal_latest",
                        "t78"."m__plans_30d",
                        "t78"."m__events_30d",
                        "t78"."m__events_per_user_30d",
                        "t78"."m___users_30_0",
                        "t78"."m__events_30d_tenure",
                        "t78"."age__plans_30d",
                        "t78"."age__events_30d",
                        "t78"."age__events_per_user_30d",
                        "t78"."age__events_30d_tenure",
                        "t78"."m__paid_deals_30d",
                        "t78"."age__paid_deals_30d",
                        "t78"."m__not_free_30d",
                        "t78"."age__not_free_30d",
                        "t78"."m__value_30_30d",
                        "t78"."age__value_30_30d",
                        "t50"."m__champion_events_30d",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t50"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__champion_events_30d"
                      FROM (
                        SELECT
                          "t76"."account_id",
                          "t76"."segment",
                          "t76"."m__quota",
                          "t76"."m__seats",
                          "t76"."m__deal_sum_30d",
                          "t76"."m__deal_avg_30d",
                          "t76"."m__deal_min_30d",
                          "t76"."m__deal_value_per_user_30d",
                          "t76"."age__deal_sum_30d",
                          "t76"."age__deal_avg_30d",
                          "t76"."age__deal_min_30d",
                          "t76"."age__deal_value_per_user_30d",
                          "t76"."m__deal_max_all",
                          "t76"."m__deal_latest",
                          "t76"."age__deal_max_all",
                          "t76"."age__deal_latest",
                          "t76"."m__plans_30d",
                          "t76"."m__events_30d",
                          "t76"."m__events_per_user_30d",
                          "t76"."m___users_30_0",
                          "t76"."m__events_30d_tenure",
                          "t76"."age__plans_30d",
                          "t76"."age__events_30d",
                          "t76"."age__events_per_user_30d",
                          "t76"."age__events_30d_tenure",
                          "t76"."m__paid_deals_30d",
                          "t76"."age__paid_deals_30d",
                          "t76"."m__not_free_30d",
                          "t76"."age__not_free_30d",
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
                              ) AS "t22"
                            )
                            THEN COALESCE("t76"."m__value_30_30d", 0)
                            ELSE "t76"."m__value_30_30d"
                          END AS "m__value_30_30d",
                          "t76"."age__value_30_30d"
                        FROM (
                          SELECT
                            "t75"."account_id",
                            "t75"."segment",
                            "t75"."m__quota",
                            "t75"."m__seats",
                            "t75"."m__deal_sum_30d",
                            "t75"."m__deal_avg_30d",
                            "t75"."m__deal_min_30d",
                            "t75"."m__deal_value_per_user_30d",
                            "t75"."age__deal_sum_30d",
                            "t75"."age__deal_avg_30d",
                            "t75"."age__deal_min_30d",
                            "t75"."age__deal_value_per_user_30d",
                            "t75"."m__deal_max_all",
                            "t75"."m__deal_latest",
                            "t75"."age__deal_max_all",
                            "t75"."age__deal_latest",
                            "t75"."m__plans_30d",
                            "t75"."m__events_30d",
                            "t75"."m__events_per_user_30d",
                            "t75"."m___users_30_0",
                            "t75"."m__events_30d_tenure",
                            "t75"."age__plans_30d",
                            "t75"."age__events_30d",
                            "t75"."age__events_per_user_30d",
                            "t75"."age__events_30d_tenure",
                            "t75"."m__paid_deals_30d",
                            "t75"."age__paid_deals_30d",
                            "t75"."m__not_free_30d",
                            "t75"."age__not_free_30d",
                            "t54"."m__value_30_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t54"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__value_30_30d"
                          FROM (
                            SELECT
                              "t73"."account_id",
                              "t73"."segment",
                              "t73"."m__quota",
                              "t73"."m__seats",
                              "t73"."m__deal_sum_30d",
                              "t73"."m__deal_avg_30d",
                              "t73"."m__deal_min_30d",
                              "t73"."m__deal_value_per_user_30d",
                              "t73"."age__deal_sum_30d",
                              "t73"."age__deal_avg_30d",
                              "t73"."age__deal_min_30d",
                              "t73"."age__deal_value_per_user_30d",
                              "t73"."m__deal_max_all",
                              "t73"."m__deal_latest",
                              "t73"."age__deal_max_all",
                              "t73"."age__deal_latest",
                              "t73"."m__plans_30d",
                              "t73"."m__events_30d",
                              "t73"."m__events_per_user_30d",
                              "t73"."m___users_30_0",
                              "t73"."m__events_30d_tenure",
                              "t73"."age__plans_30d",
                              "t73"."age__events_30d",
                              "t73"."age__events_per_user_30d",
                              "t73"."age__events_30d_tenure",
                              "t73"."m__paid_deals_30d",
                              "t73"."age__paid_deals_30d",
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
                                  ) AS "t22"
                                )
                                THEN COALESCE("t73"."m__not_free_30d", 0)
                                ELSE "t73"."m__not_free_30d"
                              END AS "m__not_free_30d",
                              "t73"."age__not_free_30d"
                            FROM (
                              SELECT
                                "t72"."account_id",
                                "t72"."segment",
                                "t72"."m__quota",
                                "t72"."m__seats",
                                "t72"."m__deal_sum_30d",
                                "t72"."m__deal_avg_30d",
                                "t72"."m__deal_min_30d",
                                "t72"."m__deal_value_per_user_30d",
                                "t72"."age__deal_sum_30d",
                                "t72"."age__deal_avg_30d",
                                "t72"."age__deal_min_30d",
                                "t72"."age__deal_value_per_user_30d",
                                "t72"."m__deal_max_all",
                                "t72"."m__deal_latest",
                                "t72"."age__deal_max_all",
                                "t72"."age__deal_latest",
                                "t72"."m__plans_30d",
                                "t72"."m__events_30d",
                                "t72"."m__events_per_user_30d",
                                "t72"."m___users_30_0",
                                "t72"."m__events_30d_tenure",
                                "t72"."age__plans_30d",
                                "t72"."age__events_30d",
                                "t72"."age__events_per_user_30d",
                                "t72"."age__events_30d_tenure",
                                "t72"."m__paid_deals_30d",
                                "t72"."age__paid_deals_30d",
                                "t48"."m__not_free_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t48"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__not_free_30d"
                              FROM (
                                SELECT
                                  "t70"."account_id",
                                  "t70"."segment",
                                  "t70"."m__quota",
                                  "t70"."m__seats",
                                  "t70"."m__deal_sum_30d",
                                  "t70"."m__deal_avg_30d",
                                  "t70"."m__deal_min_30d",
                                  "t70"."m__deal_value_per_user_30d",
                                  "t70"."age__deal_sum_30d",
                                  "t70"."age__deal_avg_30d",
                                  "t70"."age__deal_min_30d",
                                  "t70"."age__deal_value_per_user_30d",
                                  "t70"."m__deal_max_all",
                                  "t70"."m__deal_latest",
                                  "t70"."age__deal_max_all",
                                  "t70"."age__deal_latest",
                                  "t70"."m__plans_30d",
                                  "t70"."m__events_30d",
                                  "t70"."m__events_per_user_30d",
                                  "t70"."m___users_30_0",
                                  "t70"."m__events_30d_tenure",
                                  "t70"."age__plans_30d",
                                  "t70"."age__events_30d",
                                  "t70"."age__events_per_user_30d",
                                  "t70"."age__events_30d_tenure",
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
                                      ) AS "t22"
                                    )
                                    THEN COALESCE("t70"."m__paid_deals_30d", 0)
                                    ELSE "t70"."m__paid_deals_30d"
                                  END AS "m__paid_deals_30d",
                                  "t70"."age__paid_deals_30d"
                                FROM (
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
                                    "t69"."m___users_30_0",
                                    "t69"."m__events_30d_tenure",
                                    "t69"."age__plans_30d",
                                    "t69"."age__events_30d",
                                    "t69"."age__events_per_user_30d",
                                    "t69"."age__events_30d_tenure",
                                    "t40"."m__paid_deals_30d",
                                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t40"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__paid_deals_30d"
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
                                          ) AS "t22"
                                        )
                                        THEN COALESCE("t67"."m__plans_30d", 0)
                                        ELSE "t67"."m__plans_30d"
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
                                          ) AS "t22"
                                        )
                                        THEN COALESCE("t67"."m__events_30d", 0)
                                        ELSE "t67"."m__events_30d"
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
                                          ) AS "t22"
                                        )
                                        THEN COALESCE("t67"."m__events_per_user_30d", 0)
                                        ELSE "t67"."m__events_per_user_30d"
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
                                          ) AS "t22"
                                        )
                                        THEN COALESCE("t67"."m___users_30_0", 0)
                                        ELSE "t67"."m___users_30_0"
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
                                          ) AS "t22"
                                        )
                                        THEN COALESCE("t67"."m__events_30d_tenure", 0)
                                        ELSE "t67"."m__events_30d_tenure"
                                      END AS "m__events_30d_tenure",
                                      "t67"."age__plans_30d",
                                      "t67"."age__events_30d",
                                      "t67"."age__events_per_user_30d",
                                      "t67"."age__events_30d_tenure"
                                    FROM (
                                      SELECT
                                        "t66"."account_id",
                                        "t66"."segment",
                                        "t66"."m__quota",
                                        "t66"."m__seats",
                                        "t57"."m__deal_sum_30d",
                                        "t57"."m__deal_avg_30d",
                                        "t57"."m__deal_min_30d",
                                        "t57"."m__deal_value_per_user_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t57"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_sum_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t57"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_avg_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t57"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_min_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t57"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_value_per_user_30d",
                                        "t59"."m__deal_max_all",
                                        "t59"."m__deal_latest",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t59"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_max_all",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t59"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_latest",
                                        "t42"."m__plans_30d",
                                        "t42"."m__events_30d",
                                        "t42"."m__events_per_user_30d",
                                        "t42"."m___users_30_0",
                                        "t42"."m__events_30d_tenure",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__plans_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_per_user_30d",
                                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t42"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d_tenure"
                                      FROM (
                                        SELECT
                                          "t64"."account_id",
                                          "t64"."segment",
                                          CASE
                                            WHEN JSONB_EXTRACT_PATH_TEXT("t64"."attributes", 'quota') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                            THEN CAST(JSONB_EXTRACT_PATH_TEXT("t64"."attributes", 'quota') AS DOUBLE PRECISION)
                                            ELSE CAST(NULL AS DOUBLE PRECISION)
                                          END AS "m__quota",
                                          "t64"."seats" AS "m__seats"
                                        FROM (
                                          SELECT
                                            "t63"."account_id",
                                            "t63"."name",
                                            "t63"."owner",
                                            "t63"."segment",
                                            "t63"."industry",
                                            "t63"."plan",
                                            "t63"."arr",
                                            "t63"."customer_since",
                                            "t63"."renewal_date",
                                            "t63"."parent_id",
                                            "t63"."updated_at",
                                            CASE
                                              WHEN "t45"."_version_of" IS NOT NULL
                                              THEN "t45"."_v_attributes"
                                              ELSE "t63"."attributes"
                                            END AS "attributes",
                                            CASE
                                              WHEN "t45"."_version_of" IS NOT NULL
                                              THEN "t45"."_v_seats"
                                              ELSE "t63"."seats"
                                            END AS "seats"
                                          FROM (
                                            SELECT
                                              "t61"."id" AS "account_id",
                                              "t61"."name",
                                              "t61"."owner",
                                              "t61"."segment",
                                              "t61"."industry",
                                              "t61"."plan",
                                              "t61"."arr",
                                              "t61"."seats",
                                              "t61"."customer_since",
                                              "t61"."renewal_date",
                                              "t61"."parent_id",
                                              "t61"."attributes",
                                              "t61"."updated_at"
                                            FROM (
                                              SELECT
                                                "t19"."id",
                                                "t19"."name",
                                                "t19"."owner",
                                                "t19"."segment",
                                                "t19"."industry",
                                                "t19"."plan",
                                                "t19"."arr",
                                                "t19"."seats",
                                                "t19"."customer_since",
                                                "t19"."renewal_date",
                                                "t19"."parent_id",
                                                "t19"."attributes",
                                                "t19"."updated_at"
                                              FROM "t8" AS "t19"
                                              WHERE
                                                NOT EXISTS(
                                                  SELECT
                                                    1
                                                  FROM (
                                                    SELECT
                                                      "t18"."account_id" AS "gid"
                                                    FROM (
                                                      SELECT
                                                        *
                                                      FROM "outcomes" AS "t5"
                                                      WHERE
                                                        "t5"."kind" = 'churned' AND "t5"."date" <= MAKE_DATE(2024, 6, 30)
                                                    ) AS "t18"
                                                    INNER JOIN "t8" AS "t20"
                                                      ON "t18"."account_id" = "t20"."id" AND "t18"."date" >= "t20"."customer_since"
                                                  ) AS "t46"
                                                  WHERE
                                                    "t19"."id" = "t46"."gid"
                                                )
                                            ) AS "t61"
                                          ) AS "t63"
                                          LEFT OUTER JOIN (
                                            SELECT
                                              "t17"."id" AS "_version_of",
                                              "t17"."attributes" AS "_v_attributes",
                                              "t17"."seats" AS "_v_seats"
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
                                            ) AS "t17"
                                            WHERE
                                              (
                                                (
                                                  "t17"."valid_from" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                                )
                                                OR (
                                                  "t17"."valid_from" = "t17"."_first"
                                                )
                                              )
                                              AND (
                                                (
                                                  "t17"."valid_to" IS NULL
                                                )
                                                OR (
                                                  "t17"."valid_to" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                                )
                                              )
                                          ) AS "t45"
                                            ON "t63"."account_id" = "t45"."_version_of"
                                        ) AS "t64"
                                      ) AS "t66"
                                      LEFT OUTER JOIN (
                                        SELECT
                                          "t15"."account_id" AS "_account",
                                          SUM(
                                            CASE
                                              WHEN JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                              THEN CAST(JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') AS DOUBLE PRECISION)
                                              ELSE CAST(NULL AS DOUBLE PRECISION)
                                            END
                                          ) AS "m__deal_sum_30d",
                                          AVG(
                                            CASE
                                              WHEN JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                              THEN CAST(JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') AS DOUBLE PRECISION)
                                              ELSE CAST(NULL AS DOUBLE PRECISION)
                                            END
                                          ) AS "m__deal_avg_30d",
                                          MIN(
                                            CASE
                                              WHEN JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                              THEN CAST(JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') AS DOUBLE PRECISION)
                                              ELSE CAST(NULL AS DOUBLE PRECISION)
                                            END
                                          ) AS "m__deal_min_30d",
                                          SUM(
                                            CASE
                                              WHEN JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                              THEN CAST(JSONB_EXTRACT_PATH_TEXT("t15"."properties", 'value') AS DOUBLE PRECISION)
                                              ELSE CAST(NULL AS DOUBLE PRECISION)
                                            END
                                          ) AS "m__deal_value_per_user_30d",
                                          MAX("t15"."timestamp") AS "_newest"
                                        FROM (
                                          SELECT
                                            *
                                          FROM "events" AS "t2"
                                          WHERE
                                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                            AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                            AND "t2"."event" IN ('deal')
                                        ) AS "t15"
                                        GROUP BY
                                          1
                                      ) AS "t57"
                                        ON "t66"."account_id" = "t57"."_account"
                                      LEFT OUTER JOIN (
                                        SELECT
                                          "t14"."account_id" AS "_account",
                                          MAX(
                                            CASE
                                              WHEN JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                              THEN CAST(JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') AS DOUBLE PRECISION)
                                              ELSE CAST(NULL AS DOUBLE PRECISION)
                                            END
                                          ) AS "m__deal_max_all",
                                          (
                                            ARRAY_AGG(
                                              CASE
                                                WHEN JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                                THEN CAST(JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') AS DOUBLE PRECISION)
                                                ELSE CAST(NULL AS DOUBLE PRECISION)
                                              END ORDER BY "t14"."timestamp" DESC NULLS LAST
                                            ) FILTER(WHERE
                                              "t14"."timestamp" IS NOT NULL
                                              AND CASE
                                                WHEN JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                                THEN CAST(JSONB_EXTRACT_PATH_TEXT("t14"."properties", 'value') AS DOUBLE PRECISION)
                                                ELSE CAST(NULL AS DOUBLE PRECISION)
                                              END IS NOT NULL)
                                          )[1] AS "m__deal_latest",
                                          MAX("t14"."timestamp") AS "_newest"
                                        FROM (
                                          SELECT
                                            *
                                          FROM "events" AS "t2"
                                          WHERE
                                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                            AND "t2"."event" IN ('deal')
                                        ) AS "t14"
                                        GROUP BY
                                          1
                                      ) AS "t59"
                                        ON "t66"."account_id" = "t59"."_account"
                                      LEFT OUTER JOIN (
                                        SELECT
                                          "t16"."account_id" AS "_account",
                                          COUNT(DISTINCT JSONB_EXTRACT_PATH_TEXT("t16"."properties", 'plan')) AS "m__plans_30d",
                                          COUNT(*) AS "m__events_30d",
                                          COUNT(*) AS "m__events_per_user_30d",
                                          COUNT(DISTINCT "t16"."user_id") AS "m___users_30_0",
                                          COUNT(*) AS "m__events_30d_tenure",
                                          MAX("t16"."timestamp") AS "_newest"
                                        FROM (
                                          SELECT
                                            *
                                          FROM "events" AS "t2"
                                          WHERE
                                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                            AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                        ) AS "t16"
                                        GROUP BY
                                          1
                                      ) AS "t42"
                                        ON "t66"."account_id" = "t42"."_account"
                                    ) AS "t67"
                                  ) AS "t69"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      "t23"."account_id" AS "_account",
                                      COUNT(*) AS "m__paid_deals_30d",
                                      MAX("t23"."timestamp") AS "_newest"
                                    FROM (
                                      SELECT
                                        *
                                      FROM "events" AS "t2"
                                      WHERE
                                        "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                        AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                        AND COALESCE(JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'plan') IN ('pro', 'team'), FALSE)
                                    ) AS "t23"
                                    GROUP BY
                                      1
                                  ) AS "t40"
                                    ON "t69"."account_id" = "t40"."_account"
                                ) AS "t70"
                              ) AS "t72"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t26"."account_id" AS "_account",
                                  COUNT(*) AS "m__not_free_30d",
                                  MAX("t26"."timestamp") AS "_newest"
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
                                ) AS "t26"
                                GROUP BY
                                  1
                              ) AS "t48"
                                ON "t72"."account_id" = "t48"."_account"
                            ) AS "t73"
                          ) AS "t75"
                          LEFT OUTER JOIN (
                            SELECT
                              "t30"."account_id" AS "_account",
                              COUNT(*) AS "m__value_30_30d",
                              MAX("t30"."timestamp") AS "_newest"
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
                            ) AS "t30"
                            GROUP BY
                              1
                          ) AS "t54"
                            ON "t75"."account_id" = "t54"."_account"
                        ) AS "t76"
                      ) AS "t78"
                      LEFT OUTER JOIN (
                        SELECT
                          "t28"."account_id" AS "_account",
                          COUNT(*) AS "m__champion_events_30d",
                          MAX("t28"."timestamp") AS "_newest"
                        FROM (
                          SELECT
                            *
                          FROM "events" AS "t2"
                          WHERE
                            "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                            AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                            AND COALESCE(
                              "t2"."user_id" IN (
                                SELECT
                                  "t3"."id"
                                FROM "contacts" AS "t3"
                                WHERE
                                  "t3"."role" IN ('champion')
                              ),
                              FALSE
                            )
                        ) AS "t28"
                        GROUP BY
                          1
                      ) AS "t50"
                        ON "t78"."account_id" = "t50"."_account"
                    ) AS "t79"
                  ) AS "t81"
                  LEFT OUTER JOIN (
                    SELECT
                      "t31"."account_id" AS "_account",
                      COUNT(*) AS "m__not_champion_30d",
                      MAX("t31"."timestamp") AS "_newest"
                    FROM (
                      SELECT
                        *
                      FROM "events" AS "t2"
                      WHERE
                        "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                        AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                        AND NOT (
                          COALESCE(
                            "t2"."user_id" IN (
                              SELECT
                                "t3"."id"
                              FROM "contacts" AS "t3"
                              WHERE
                                "t3"."role" IN ('champion')
                            ),
                            FALSE
                          )
                        )
                    ) AS "t31"
                    GROUP BY
                      1
                  ) AS "t56"
                    ON "t81"."account_id" = "t56"."_account"
                ) AS "t82"
              ) AS "t84"
              LEFT OUTER JOIN (
                SELECT
                  "t27"."account_id" AS "_account",
                  CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE(MAX("t27"."timestamp")) AS TIMESTAMP)) / 86400 AS BIGINT) AS "m__days_since_champion",
                  MAX("t27"."timestamp") AS "_newest"
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t2"
                  WHERE
                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                    AND COALESCE(
                      "t2"."user_id" IN (
                        SELECT
                          "t3"."id"
                        FROM "contacts" AS "t3"
                        WHERE
                          "t3"."role" IN ('champion', 'admin')
                      ),
                      FALSE
                    )
                ) AS "t27"
                GROUP BY
                  1
              ) AS "t60"
                ON "t84"."account_id" = "t60"."_account"
              LEFT OUTER JOIN (
                SELECT
                  "t25"."account_id" AS "_account",
                  COUNT(*) AS "m__events_per_user_30d__previous",
                  COUNT(DISTINCT "t25"."user_id") AS "m___users_30_30",
                  COUNT(*) AS "m__events_30d__previous"
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t2"
                  WHERE
                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '-29 DAY' AS TIMESTAMP)
                ) AS "t25"
                GROUP BY
                  1
              ) AS "t44"
                ON "t84"."account_id" = "t44"."_account"
            ) AS "t85"
          ) AS "t87"
          LEFT OUTER JOIN (
            SELECT
              "t1"."id" AS "_since_id",
              "t1"."customer_since" AS "_since"
            FROM "accounts" AS "t1"
          ) AS "t7"
            ON "t87"."account_id" = "t7"."_since_id"
        ) AS "t88"
      ) AS "t90"
      LEFT OUTER JOIN (
        SELECT
          *
        FROM (
          SELECT
            "t21"."account_id" AS "_acc",
            "t21"."name" AS "_input",
            (
              ARRAY_AGG("t21"."value_number" ORDER BY "t21"."created_at" DESC NULLS LAST) FILTER(WHERE
                "t21"."created_at" IS NOT NULL)
            )[1] AS "_num",
            (
              ARRAY_AGG("t21"."value_text" ORDER BY "t21"."created_at" DESC NULLS LAST) FILTER(WHERE
                "t21"."created_at" IS NOT NULL)
            )[1] AS "_text",
            MAX("t21"."created_at") AS "_at"
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
          ) AS "t21"
          GROUP BY
            1,
            2
        ) AS "t32"
        WHERE
          "t32"."_input" = 'gut'
      ) AS "t58"
        ON "t90"."account_id" = "t58"."_acc"
    ) AS "t91"
  ) AS "t92"
) AS "t93"
