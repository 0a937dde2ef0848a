package dev.sparkprop.examples

import dev.sparkprop.driver.ml.{SparkpropRegressionModel, SparkpropRegressor}
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.RegressionEvaluator
import org.apache.spark.ml.feature.{StandardScaler, VectorAssembler}
import org.apache.spark.sql.SparkSession

/**
 * sparkprop from Scala: a Pipeline (VectorAssembler, StandardScaler, SparkpropRegressor) on the
 * diabetes data, validated per epoch on a held-out fraction, saved, loaded and checked to
 * predict the same. `bin/run-example ScalaRegressorExample [data.csv] [output-dir]`; the data
 * defaults to bin/install-data's diabetes.csv.
 */
object ScalaRegressorExample {

  /** Held-out RMSE and R², the epochs trained, and whether the reloaded pipeline agreed. */
  final case class Result(rmse: Double, r2: Double, epochs: Int, reloadAgrees: Boolean)

  def main(args: Array[String]): Unit = {
    val data = args.headOption.getOrElse("data/diabetes.csv")
    val output = args.lift(1).getOrElse("target/examples/scala-regressor")
    val spark = SparkSession.builder().appName("sparkprop Scala example")
      .master(sys.props.getOrElse("spark.master", "local[*]")).getOrCreate()
    try {
      val r = run(spark, data, output)
      println(f"rmse=${r.rmse}%.4f r2=${r.r2}%.4f epochs=${r.epochs} reload_agrees=${r.reloadAgrees}")
    } finally spark.stop()
  }

  def run(spark: SparkSession, dataPath: String, outputDir: String): Result = {
    val diabetes = spark.read.option("header", "true").option("inferSchema", "true").csv(dataPath)
    val Array(train, test) = diabetes.randomSplit(Array(0.8, 0.2), seed = 42)
    val inputs = diabetes.columns.filter(_ != "target")

    val regressor = new SparkpropRegressor()
      .setLabelCol("target")
      .setLayers(s"${inputs.length},32:relu,1:identity")
      .setLoss("huber(1.0)")
      .setLearningRate(0.01)
      .setEpochs(80)
      .setValidationFraction(0.2)
      .setEarlyStoppingPatience(10)
    val pipeline = new Pipeline().setStages(Array(
      new VectorAssembler().setInputCols(inputs).setOutputCol("raw"),
      new StandardScaler().setInputCol("raw").setOutputCol("features"),
      regressor))

    val model = pipeline.fit(train)
    val network = model.stages.last.asInstanceOf[SparkpropRegressionModel]
    val summary = network.summary
    println(s"trained ${summary.totalEpochs} epochs; validation RMSE by epoch: " +
      summary.metric("validation_rmse").map(v => f"$v%.2f").mkString(" "))

    val predictions = model.transform(test)
    predictions.select("target", "prediction").show(5)
    val evaluator = new RegressionEvaluator().setLabelCol("target")

    model.write.overwrite().save(outputDir)
    val reloaded = PipelineModel.load(outputDir)
    val agrees = reloaded.transform(test).select("prediction").collect()
      .sameElements(predictions.select("prediction").collect())
    Result(evaluator.setMetricName("rmse").evaluate(predictions), evaluator.setMetricName("r2").evaluate(predictions),
      summary.totalEpochs, agrees)
  }
}
