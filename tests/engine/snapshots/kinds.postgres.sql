WITH "t7" AS (
  SELECT
    *
  FROM "accounts" AS "t1"
  WHERE
    "t1"."customer_since" <= MAKE_DATE(2024, 6, 30)
)
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
  "t75"."m__events_30d_tenure",
  "t75"."age__plans_30d",
  "t75"."age__events_30d",
  "t75"."age__events_per_user_30d",
  "t75"."age__events_30d_tenure",
  "t75"."m__paid_deals_30d",
  "t75"."age__paid_deals_30d",
  "t75"."m__not_free_30d",
  "t75"."age__not_free_30d",
  "t75"."m__value_30_30d",
  "t75"."age__value_30_30d",
  "t75"."m__per_user_trend",
  "t75"."m__events_trend",
  "t75"."m__gut",
  "t75"."age__gut",
  "t75"."m__deal_per_seat",
  "t75"."m__deal_per_gut",
  "t75"."m__trend_per_seat",
  "t75"."m__deal_share_of_quota",
  "t75"."m__per_seat_per_user",
  "t75"."g__deals",
  "t75"."g__depth",
  CAST(ROUND(
    CAST((
      CAST((
        CASE
          WHEN CASE
            WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
            THEN 'main'
            ELSE CAST(NULL AS VARCHAR)
          END = 'main'
          THEN "t75"."cs__main"
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
            THEN "t75"."cs__main"
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
            THEN "t75"."cs__main"
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
            THEN "t75"."cs__main"
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
    THEN "t75"."cov__main"
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
    THEN "t75"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t75"."ew__main__deals"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t75"."g__deals", 0.0) * 1.0 AS "c__health__deals",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t75"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END AS "w__health__depth",
  CASE
    WHEN CASE
      WHEN CASE WHEN TRUE THEN 'all' ELSE CAST(NULL AS VARCHAR) END = 'all'
      THEN 'main'
      ELSE CAST(NULL AS VARCHAR)
    END = 'main'
    THEN "t75"."ew__main__depth"
    ELSE CAST(NULL AS DOUBLE PRECISION)
  END * COALESCE("t75"."g__depth", 0.0) * 1.0 AS "c__health__depth"
FROM (
  SELECT
    "t74"."account_id",
    "t74"."segment",
    "t74"."m__quota",
    "t74"."m__seats",
    "t74"."m__deal_sum_30d",
    "t74"."m__deal_avg_30d",
    "t74"."m__deal_min_30d",
    "t74"."m__deal_value_per_user_30d",
    "t74"."age__deal_sum_30d",
    "t74"."age__deal_avg_30d",
    "t74"."age__deal_min_30d",
    "t74"."age__deal_value_per_user_30d",
    "t74"."m__deal_max_all",
    "t74"."m__deal_latest",
    "t74"."age__deal_max_all",
    "t74"."age__deal_latest",
    "t74"."m__plans_30d",
    "t74"."m__events_30d",
    "t74"."m__events_per_user_30d",
    "t74"."m__events_30d_tenure",
    "t74"."age__plans_30d",
    "t74"."age__events_30d",
    "t74"."age__events_per_user_30d",
    "t74"."age__events_30d_tenure",
    "t74"."m__paid_deals_30d",
    "t74"."age__paid_deals_30d",
    "t74"."m__not_free_30d",
    "t74"."age__not_free_30d",
    "t74"."m__value_30_30d",
    "t74"."age__value_30_30d",
    "t74"."m__per_user_trend",
    "t74"."m__events_trend",
    "t74"."m__gut",
    "t74"."age__gut",
    "t74"."m__deal_per_seat",
    "t74"."m__deal_per_gut",
    "t74"."m__trend_per_seat",
    "t74"."m__deal_share_of_quota",
    "t74"."m__per_seat_per_user",
    "t74"."g__deals",
    "t74"."g__depth",
    "t74"."den__main",
    1.0 * CASE
      WHEN "t74"."den__main" > 0
      THEN CAST(CASE WHEN "t74"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t74"."den__main"
      ELSE 0.0
    END AS "ew__main__deals",
    1.0 * CASE
      WHEN "t74"."den__main" > 0
      THEN CAST(CASE WHEN "t74"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t74"."den__main"
      ELSE 0.0
    END AS "ew__main__depth",
    CASE
      WHEN "t74"."den__main" > 0
      THEN 0.0 + (
        1.0 * CASE
          WHEN "t74"."den__main" > 0
          THEN CAST(CASE WHEN "t74"."g__deals" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t74"."den__main"
          ELSE 0.0
        END * COALESCE("t74"."g__deals", 0.0)
      ) + (
        1.0 * CASE
          WHEN "t74"."den__main" > 0
          THEN CAST(CASE WHEN "t74"."g__depth" IS NOT NULL THEN 1.0 ELSE 0.0 END AS DOUBLE PRECISION) / "t74"."den__main"
          ELSE 0.0
        END * COALESCE("t74"."g__depth", 0.0)
      )
      ELSE CAST(NULL AS DOUBLE PRECISION)
    END AS "cs__main",
    0.0 + CASE WHEN "t74"."g__deals" IS NOT NULL THEN 0.5 ELSE 0.0 END + CASE WHEN "t74"."g__depth" IS NOT NULL THEN 0.5 ELSE 0.0 END AS "cov__main"
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
      "t73"."m__events_30d_tenure",
      "t73"."age__plans_30d",
      "t73"."age__events_30d",
      "t73"."age__events_per_user_30d",
      "t73"."age__events_30d_tenure",
      "t73"."m__paid_deals_30d",
      "t73"."age__paid_deals_30d",
      "t73"."m__not_free_30d",
      "t73"."age__not_free_30d",
      "t73"."m__value_30_30d",
      "t73"."age__value_30_30d",
      "t73"."m__per_user_trend",
      "t73"."m__events_trend",
      "t73"."m__gut",
      "t73"."age__gut",
      CASE
        WHEN CAST("t73"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t73"."m__deal_sum_30d" / CAST("t73"."m__seats" AS DOUBLE PRECISION)
      END AS "m__deal_per_seat",
      CASE
        WHEN "t73"."m__gut" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t73"."m__deal_sum_30d" AS DOUBLE PRECISION) / "t73"."m__gut"
      END AS "m__deal_per_gut",
      CASE
        WHEN CAST("t73"."m__seats" AS DOUBLE PRECISION) = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE "t73"."m__events_trend" / CAST("t73"."m__seats" AS DOUBLE PRECISION)
      END AS "m__trend_per_seat",
      CASE
        WHEN "t73"."m__quota" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST("t73"."m__deal_sum_30d" AS DOUBLE PRECISION) / "t73"."m__quota"
      END AS "m__deal_share_of_quota",
      CASE
        WHEN "t73"."m__events_per_user_30d" = 0
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE CAST(CASE
          WHEN CAST("t73"."m__seats" AS DOUBLE PRECISION) = 0
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE "t73"."m__deal_sum_30d" / CAST("t73"."m__seats" AS DOUBLE PRECISION)
        END AS DOUBLE PRECISION) / "t73"."m__events_per_user_30d"
      END AS "m__per_seat_per_user",
      CASE
        WHEN "t73"."m__deal_sum_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t73"."m__deal_sum_30d" - 0.0
              ) AS DOUBLE PRECISION) / 200.0
            ) * 100
          )
        )
      END AS "g__deals",
      CASE
        WHEN "t73"."m__events_per_user_30d" IS NULL
        THEN CAST(NULL AS DOUBLE PRECISION)
        ELSE GREATEST(
          0.0,
          LEAST(
            100.0,
            (
              CAST((
                "t73"."m__events_per_user_30d" - 0.0
              ) AS DOUBLE PRECISION) / 5.0
            ) * 100
          )
        )
      END AS "g__depth",
      0.0 + CASE
        WHEN CASE
          WHEN "t73"."m__deal_sum_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t73"."m__deal_sum_30d" - 0.0
                ) AS DOUBLE PRECISION) / 200.0
              ) * 100
            )
          )
        END IS NOT NULL
        THEN 1.0
        ELSE 0.0
      END + CASE
        WHEN CASE
          WHEN "t73"."m__events_per_user_30d" IS NULL
          THEN CAST(NULL AS DOUBLE PRECISION)
          ELSE GREATEST(
            0.0,
            LEAST(
              100.0,
              (
                CAST((
                  "t73"."m__events_per_user_30d" - 0.0
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
        "t72"."m__events_30d_tenure",
        "t72"."age__plans_30d",
        "t72"."age__events_30d",
        "t72"."age__events_per_user_30d",
        "t72"."age__events_30d_tenure",
        "t72"."m__paid_deals_30d",
        "t72"."age__paid_deals_30d",
        "t72"."m__not_free_30d",
        "t72"."age__not_free_30d",
        "t72"."m__value_30_30d",
        "t72"."age__value_30_30d",
        "t72"."m__per_user_trend",
        "t72"."m__events_trend",
        "t47"."_num" AS "m__gut",
        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t47"."_at") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__gut"
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
          "t70"."m__events_30d_tenure",
          "t70"."age__plans_30d",
          "t70"."age__events_30d",
          "t70"."age__events_per_user_30d",
          "t70"."age__events_30d_tenure",
          "t70"."m__paid_deals_30d",
          "t70"."age__paid_deals_30d",
          "t70"."m__not_free_30d",
          "t70"."age__not_free_30d",
          "t70"."m__value_30_30d",
          "t70"."age__value_30_30d",
          CASE
            WHEN (
              "t70"."m__events_per_user_30d__previous" = 0
            )
            AND (
              "t70"."m__events_per_user_30d" = 0
            )
            THEN 0.0
            WHEN "t70"."m__events_per_user_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST((
                "t70"."m__events_per_user_30d" - "t70"."m__events_per_user_30d__previous"
              ) AS DOUBLE PRECISION) / "t70"."m__events_per_user_30d__previous"
            ) * 100
          END AS "m__per_user_trend",
          CASE
            WHEN (
              "t70"."m__events_30d__previous" = 0
            ) AND (
              "t70"."m__events_30d" = 0
            )
            THEN 0.0
            WHEN "t70"."m__events_30d__previous" = 0
            THEN CAST(NULL AS DOUBLE PRECISION)
            ELSE (
              CAST("t70"."m__events_30d" - "t70"."m__events_30d__previous" AS DOUBLE PRECISION) / "t70"."m__events_30d__previous"
            ) * 100
          END AS "m__events_trend"
        FROM (
          SELECT
            "t69"."account_id",
            "t69"."segment",
            "t69"."m__quota",
            "t69"."m__seats",
            "t69"."m__deal_sum_30d",
            "t69"."m__deal_avg_30d",
            "t69"."m__deal_min_30d",
            CASE
              WHEN "t69"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t69"."m__deal_value_per_user_30d" AS DOUBLE PRECISION) / "t69"."m___users_30_0"
            END AS "m__deal_value_per_user_30d",
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
            CASE
              WHEN "t69"."m___users_30_0" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t69"."m__events_per_user_30d" AS DOUBLE PRECISION) / "t69"."m___users_30_0"
            END AS "m__events_per_user_30d",
            (
              CAST("t69"."m__events_30d_tenure" AS DOUBLE PRECISION) * 30
            ) / CAST(GREATEST(
              LEAST(
                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST("t6"."_since" AS TIMESTAMP)) / 86400 AS BIGINT) + 1,
                30
              ),
              1
            ) AS DOUBLE PRECISION) AS "m__events_30d_tenure",
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
            CASE
              WHEN "t69"."m___users_30_30" = 0
              THEN CAST(NULL AS DOUBLE PRECISION)
              ELSE CAST("t69"."m__events_per_user_30d__previous" AS DOUBLE PRECISION) / "t69"."m___users_30_30"
            END AS "m__events_per_user_30d__previous",
            "t69"."m__events_30d__previous"
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
              "t67"."m___users_30_0",
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
                  ) AS "t24"
                )
                THEN COALESCE("t67"."m__events_per_user_30d__previous", 0)
                ELSE "t67"."m__events_per_user_30d__previous"
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
                  ) AS "t24"
                )
                THEN COALESCE("t67"."m___users_30_30", 0)
                ELSE "t67"."m___users_30_30"
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
                  ) AS "t24"
                )
                THEN COALESCE("t67"."m__events_30d__previous", 0)
                ELSE "t67"."m__events_30d__previous"
              END AS "m__events_30d__previous"
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
                "t66"."m___users_30_0",
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
                "t37"."m__events_per_user_30d__previous",
                "t37"."m___users_30_30",
                "t37"."m__events_30d__previous"
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
                  "t64"."m___users_30_0",
                  "t64"."m__events_30d_tenure",
                  "t64"."age__plans_30d",
                  "t64"."age__events_30d",
                  "t64"."age__events_per_user_30d",
                  "t64"."age__events_30d_tenure",
                  "t64"."m__paid_deals_30d",
                  "t64"."age__paid_deals_30d",
                  "t64"."m__not_free_30d",
                  "t64"."age__not_free_30d",
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
                      ) AS "t19"
                    )
                    THEN COALESCE("t64"."m__value_30_30d", 0)
                    ELSE "t64"."m__value_30_30d"
                  END AS "m__value_30_30d",
                  "t64"."age__value_30_30d"
                FROM (
                  SELECT
                    "t63"."account_id",
                    "t63"."segment",
                    "t63"."m__quota",
                    "t63"."m__seats",
                    "t63"."m__deal_sum_30d",
                    "t63"."m__deal_avg_30d",
                    "t63"."m__deal_min_30d",
                    "t63"."m__deal_value_per_user_30d",
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
                    "t63"."m__events_per_user_30d",
                    "t63"."m___users_30_0",
                    "t63"."m__events_30d_tenure",
                    "t63"."age__plans_30d",
                    "t63"."age__events_30d",
                    "t63"."age__events_per_user_30d",
                    "t63"."age__events_30d_tenure",
                    "t63"."m__paid_deals_30d",
                    "t63"."age__paid_deals_30d",
                    "t63"."m__not_free_30d",
                    "t63"."age__not_free_30d",
                    "t45"."m__value_30_30d",
                    CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t45"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__value_30_30d"
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
                          ) AS "t19"
                        )
                        THEN COALESCE("t61"."m__not_free_30d", 0)
                        ELSE "t61"."m__not_free_30d"
                      END AS "m__not_free_30d",
                      "t61"."age__not_free_30d"
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
                        "t41"."m__not_free_30d",
                        CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t41"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__not_free_30d"
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
                              ) AS "t19"
                            )
                            THEN COALESCE("t58"."m__paid_deals_30d", 0)
                            ELSE "t58"."m__paid_deals_30d"
                          END AS "m__paid_deals_30d",
                          "t58"."age__paid_deals_30d"
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
                            "t34"."m__paid_deals_30d",
                            CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t34"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__paid_deals_30d"
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
                                  ) AS "t19"
                                )
                                THEN COALESCE("t55"."m__plans_30d", 0)
                                ELSE "t55"."m__plans_30d"
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
                                  ) AS "t19"
                                )
                                THEN COALESCE("t55"."m__events_30d", 0)
                                ELSE "t55"."m__events_30d"
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
                                  ) AS "t19"
                                )
                                THEN COALESCE("t55"."m__events_per_user_30d", 0)
                                ELSE "t55"."m__events_per_user_30d"
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
                                  ) AS "t19"
                                )
                                THEN COALESCE("t55"."m___users_30_0", 0)
                                ELSE "t55"."m___users_30_0"
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
                                  ) AS "t19"
                                )
                                THEN COALESCE("t55"."m__events_30d_tenure", 0)
                                ELSE "t55"."m__events_30d_tenure"
                              END AS "m__events_30d_tenure",
                              "t55"."age__plans_30d",
                              "t55"."age__events_30d",
                              "t55"."age__events_per_user_30d",
                              "t55"."age__events_30d_tenure"
                            FROM (
                              SELECT
                                "t54"."account_id",
                                "t54"."segment",
                                "t54"."m__quota",
                                "t54"."m__seats",
                                "t46"."m__deal_sum_30d",
                                "t46"."m__deal_avg_30d",
                                "t46"."m__deal_min_30d",
                                "t46"."m__deal_value_per_user_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t46"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_sum_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t46"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_avg_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t46"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_min_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t46"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_value_per_user_30d",
                                "t48"."m__deal_max_all",
                                "t48"."m__deal_latest",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t48"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_max_all",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t48"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__deal_latest",
                                "t35"."m__plans_30d",
                                "t35"."m__events_30d",
                                "t35"."m__events_per_user_30d",
                                "t35"."m___users_30_0",
                                "t35"."m__events_30d_tenure",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t35"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__plans_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t35"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t35"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_per_user_30d",
                                CAST(EXTRACT(epoch FROM CAST(MAKE_DATE(2024, 6, 30) AS TIMESTAMP) - CAST(DATE("t35"."_newest") AS TIMESTAMP)) / 86400 AS BIGINT) AS "age__events_30d_tenure"
                              FROM (
                                SELECT
                                  "t52"."account_id",
                                  "t52"."segment",
                                  CASE
                                    WHEN JSONB_EXTRACT_PATH_TEXT("t52"."attributes", 'quota') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                    THEN CAST(JSONB_EXTRACT_PATH_TEXT("t52"."attributes", 'quota') AS DOUBLE PRECISION)
                                    ELSE CAST(NULL AS DOUBLE PRECISION)
                                  END AS "m__quota",
                                  "t52"."seats" AS "m__seats"
                                FROM (
                                  SELECT
                                    "t51"."account_id",
                                    "t51"."name",
                                    "t51"."owner",
                                    "t51"."segment",
                                    "t51"."industry",
                                    "t51"."plan",
                                    "t51"."arr",
                                    "t51"."customer_since",
                                    "t51"."renewal_date",
                                    "t51"."parent_id",
                                    "t51"."updated_at",
                                    CASE
                                      WHEN "t38"."_version_of" IS NOT NULL
                                      THEN "t38"."_v_attributes"
                                      ELSE "t51"."attributes"
                                    END AS "attributes",
                                    CASE
                                      WHEN "t38"."_version_of" IS NOT NULL
                                      THEN "t38"."_v_seats"
                                      ELSE "t51"."seats"
                                    END AS "seats"
                                  FROM (
                                    SELECT
                                      "t49"."id" AS "account_id",
                                      "t49"."name",
                                      "t49"."owner",
                                      "t49"."segment",
                                      "t49"."industry",
                                      "t49"."plan",
                                      "t49"."arr",
                                      "t49"."seats",
                                      "t49"."customer_since",
                                      "t49"."renewal_date",
                                      "t49"."parent_id",
                                      "t49"."attributes",
                                      "t49"."updated_at"
                                    FROM (
                                      SELECT
                                        "t16"."id",
                                        "t16"."name",
                                        "t16"."owner",
                                        "t16"."segment",
                                        "t16"."industry",
                                        "t16"."plan",
                                        "t16"."arr",
                                        "t16"."seats",
                                        "t16"."customer_since",
                                        "t16"."renewal_date",
                                        "t16"."parent_id",
                                        "t16"."attributes",
                                        "t16"."updated_at"
                                      FROM "t7" AS "t16"
                                      WHERE
                                        NOT EXISTS(
                                          SELECT
                                            1
                                          FROM (
                                            SELECT
                                              "t15"."account_id" AS "gid"
                                            FROM (
                                              SELECT
                                                *
                                              FROM "outcomes" AS "t4"
                                              WHERE
                                                "t4"."kind" = 'churned' AND "t4"."date" <= MAKE_DATE(2024, 6, 30)
                                            ) AS "t15"
                                            INNER JOIN "t7" AS "t17"
                                              ON "t15"."account_id" = "t17"."id" AND "t15"."date" >= "t17"."customer_since"
                                          ) AS "t39"
                                          WHERE
                                            "t16"."id" = "t39"."gid"
                                        )
                                    ) AS "t49"
                                  ) AS "t51"
                                  LEFT OUTER JOIN (
                                    SELECT
                                      "t14"."id" AS "_version_of",
                                      "t14"."attributes" AS "_v_attributes",
                                      "t14"."seats" AS "_v_seats"
                                    FROM (
                                      SELECT
                                        "t3"."id",
                                        "t3"."name",
                                        "t3"."owner",
                                        "t3"."segment",
                                        "t3"."industry",
                                        "t3"."plan",
                                        "t3"."arr",
                                        "t3"."seats",
                                        "t3"."customer_since",
                                        "t3"."renewal_date",
                                        "t3"."parent_id",
                                        "t3"."attributes",
                                        "t3"."updated_at",
                                        "t3"."valid_from",
                                        "t3"."valid_to",
                                        MIN("t3"."valid_from") OVER (PARTITION BY "t3"."id" ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "_first"
                                      FROM "account_versions" AS "t3"
                                    ) AS "t14"
                                    WHERE
                                      (
                                        (
                                          "t14"."valid_from" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                        )
                                        OR (
                                          "t14"."valid_from" = "t14"."_first"
                                        )
                                      )
                                      AND (
                                        (
                                          "t14"."valid_to" IS NULL
                                        )
                                        OR (
                                          "t14"."valid_to" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                        )
                                      )
                                  ) AS "t38"
                                    ON "t51"."account_id" = "t38"."_version_of"
                                ) AS "t52"
                              ) AS "t54"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t12"."account_id" AS "_account",
                                  SUM(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_sum_30d",
                                  AVG(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_avg_30d",
                                  MIN(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_min_30d",
                                  SUM(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t12"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_value_per_user_30d",
                                  MAX("t12"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t12"
                                GROUP BY
                                  1
                              ) AS "t46"
                                ON "t54"."account_id" = "t46"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t11"."account_id" AS "_account",
                                  MAX(
                                    CASE
                                      WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                      THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                      ELSE CAST(NULL AS DOUBLE PRECISION)
                                    END
                                  ) AS "m__deal_max_all",
                                  (
                                    ARRAY_AGG(
                                      CASE
                                        WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                        THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                        ELSE CAST(NULL AS DOUBLE PRECISION)
                                      END ORDER BY "t11"."timestamp" DESC NULLS LAST
                                    ) FILTER(WHERE
                                      "t11"."timestamp" IS NOT NULL
                                      AND CASE
                                        WHEN JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') ~ '^[-+]?([0-9]{1,200}(\.[0-9]{0,200})?|\.[0-9]{1,200})([eE][-+]?[0-9]{1,2})?$'
                                        THEN CAST(JSONB_EXTRACT_PATH_TEXT("t11"."properties", 'value') AS DOUBLE PRECISION)
                                        ELSE CAST(NULL AS DOUBLE PRECISION)
                                      END IS NOT NULL)
                                  )[1] AS "m__deal_latest",
                                  MAX("t11"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."event" IN ('deal')
                                ) AS "t11"
                                GROUP BY
                                  1
                              ) AS "t48"
                                ON "t54"."account_id" = "t48"."_account"
                              LEFT OUTER JOIN (
                                SELECT
                                  "t13"."account_id" AS "_account",
                                  COUNT(DISTINCT JSONB_EXTRACT_PATH_TEXT("t13"."properties", 'plan')) AS "m__plans_30d",
                                  COUNT(*) AS "m__events_30d",
                                  COUNT(*) AS "m__events_per_user_30d",
                                  COUNT(DISTINCT "t13"."user_id") AS "m___users_30_0",
                                  COUNT(*) AS "m__events_30d_tenure",
                                  MAX("t13"."timestamp") AS "_newest"
                                FROM (
                                  SELECT
                                    *
                                  FROM "events" AS "t2"
                                  WHERE
                                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                ) AS "t13"
                                GROUP BY
                                  1
                              ) AS "t35"
                                ON "t54"."account_id" = "t35"."_account"
                            ) AS "t55"
                          ) AS "t57"
                          LEFT OUTER JOIN (
                            SELECT
                              "t20"."account_id" AS "_account",
                              COUNT(*) AS "m__paid_deals_30d",
                              MAX("t20"."timestamp") AS "_newest"
                            FROM (
                              SELECT
                                *
                              FROM "events" AS "t2"
                              WHERE
                                "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '1 DAY' AS TIMESTAMP)
                                AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-29 DAY' AS TIMESTAMP)
                                AND COALESCE(JSONB_EXTRACT_PATH_TEXT("t2"."properties", 'plan') IN ('pro', 'team'), FALSE)
                            ) AS "t20"
                            GROUP BY
                              1
                          ) AS "t34"
                            ON "t57"."account_id" = "t34"."_account"
                        ) AS "t58"
                      ) AS "t60"
                      LEFT OUTER JOIN (
                        SELECT
                          "t23"."account_id" AS "_account",
                          COUNT(*) AS "m__not_free_30d",
                          MAX("t23"."timestamp") AS "_newest"
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
                        ) AS "t23"
                        GROUP BY
                          1
                      ) AS "t41"
                        ON "t60"."account_id" = "t41"."_account"
                    ) AS "t61"
                  ) AS "t63"
                  LEFT OUTER JOIN (
                    SELECT
                      "t25"."account_id" AS "_account",
                      COUNT(*) AS "m__value_30_30d",
                      MAX("t25"."timestamp") AS "_newest"
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
                    ) AS "t25"
                    GROUP BY
                      1
                  ) AS "t45"
                    ON "t63"."account_id" = "t45"."_account"
                ) AS "t64"
              ) AS "t66"
              LEFT OUTER JOIN (
                SELECT
                  "t22"."account_id" AS "_account",
                  COUNT(*) AS "m__events_per_user_30d__previous",
                  COUNT(DISTINCT "t22"."user_id") AS "m___users_30_30",
                  COUNT(*) AS "m__events_30d__previous"
                FROM (
                  SELECT
                    *
                  FROM "events" AS "t2"
                  WHERE
                    "t2"."timestamp" < CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '1 DAY' AS TIMESTAMP)
                    AND "t2"."timestamp" >= CAST(MAKE_DATE(2024, 6, 30) + INTERVAL '-30 DAY' + INTERVAL '-29 DAY' AS TIMESTAMP)
                ) AS "t22"
                GROUP BY
                  1
              ) AS "t37"
                ON "t66"."account_id" = "t37"."_account"
            ) AS "t67"
          ) AS "t69"
          LEFT OUTER JOIN (
            SELECT
              "t1"."id" AS "_since_id",
              "t1"."customer_since" AS "_since"
            FROM "accounts" AS "t1"
          ) AS "t6"
            ON "t69"."account_id" = "t6"."_since_id"
        ) AS "t70"
      ) AS "t72"
      LEFT OUTER JOIN (
        SELECT
          *
        FROM (
          SELECT
            "t18"."account_id" AS "_acc",
            "t18"."name" AS "_input",
            (
              ARRAY_AGG("t18"."value_number" ORDER BY "t18"."created_at" DESC NULLS LAST) FILTER(WHERE
                "t18"."created_at" IS NOT NULL)
            )[1] AS "_num",
            (
              ARRAY_AGG("t18"."value_text" ORDER BY "t18"."created_at" DESC NULLS LAST) FILTER(WHERE
                "t18"."created_at" IS NOT NULL)
            )[1] AS "_text",
            MAX("t18"."created_at") AS "_at"
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
          ) AS "t18"
          GROUP BY
            1,
            2
        ) AS "t26"
        WHERE
          "t26"."_input" = 'gut'
      ) AS "t47"
        ON "t72"."account_id" = "t47"."_acc"
    ) AS "t73"
  ) AS "t74"
) AS "t75"
