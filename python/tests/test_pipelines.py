"""The estimators as MLlib stages: in a Pipeline after StringIndexer and VectorAssembler, tuned
by CrossValidator and TrainValidationSplit, saved and loaded with them."""

from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.evaluation import MulticlassClassificationEvaluator, RegressionEvaluator
from pyspark.ml.feature import IndexToString, StringIndexer, VectorAssembler
from pyspark.ml.tuning import (
    CrossValidator,
    CrossValidatorModel,
    ParamGridBuilder,
    TrainValidationSplit,
)

import re
import subprocess

from pyspark.sql import functions as F

from conftest import REPO, dataset
from sparkprop import SparkpropClassificationModel, SparkpropClassifier, SparkpropRegressionModel, SparkpropRegressor


def iris_pipeline(classifier):
    return Pipeline(stages=[
        StringIndexer(inputCol="label", outputCol="species"),
        VectorAssembler(inputCols=["x1", "x2", "x3", "x4"], outputCol="features"),
        classifier,
    ])


def probabilities(df):
    return [r.probability.toArray().tolist() for r in df.select("probability").collect()]


def test_a_pipeline_learns_iris_and_its_saved_copy_predicts_the_same_in_python_and_java(spark, iris, tmp_path):
    classifier = SparkpropClassifier(labelCol="species", layers="4,16:relu,3:softmax", learningRate=0.01,
                                     epochs=30, batchRows=32, seed=7)
    model = iris_pipeline(classifier).fit(iris)
    predictions = model.transform(iris)
    accuracy = MulticlassClassificationEvaluator(labelCol="species", metricName="accuracy").evaluate(predictions)
    assert accuracy > 0.85, accuracy
    fitted = model.stages[-1]
    assert isinstance(fitted, SparkpropClassificationModel)
    assert fitted.numClasses == 3 and fitted.numFeatures == 4
    assert fitted.summary.totalEpochs == 30

    path = str(tmp_path / "pipeline")
    model.write().save(path)
    reloaded = PipelineModel.load(path)
    assert isinstance(reloaded.stages[-1], SparkpropClassificationModel)
    assert reloaded.stages[-1].getLabelCol() == "species"
    assert probabilities(reloaded.transform(iris)) == probabilities(predictions)
    # Saved from Python, the pipeline is a Java one: Spark's Java reader loads it
    java = spark._jvm.org.apache.spark.ml.PipelineModel.load(path)
    from pyspark.sql import DataFrame
    assert probabilities(DataFrame(java.transform(iris._jdf), spark)) == probabilities(predictions)
    # The unfitted pipeline too, with sparkprop's params as set
    iris_pipeline(classifier).write().save(str(tmp_path / "unfitted"))
    stage = Pipeline.load(str(tmp_path / "unfitted")).getStages()[-1]
    assert isinstance(stage, SparkpropClassifier)
    assert (stage.getLayers(), stage.getLearningRate(), stage.getEpochs()) == ("4,16:relu,3:softmax", 0.01, 30)


def test_string_labels_indexed_by_string_indexer_come_back_from_index_to_string(spark, iris, tmp_path):
    named = iris.withColumn("label", F.concat(F.lit("w"), F.col("label").cast("string")))
    classifier = SparkpropClassifier(labelCol="species", layers="4,8:tanh,3:softmax", learningRate=0.05, epochs=10,
                                     seed=7)
    model = iris_pipeline(classifier).fit(named)
    fitted = model.stages[-1]
    assert fitted.classes == model.stages[0].labels == ["w0", "w1", "w2"]
    path = str(tmp_path / "model")
    fitted.save(path)
    reloaded = SparkpropClassificationModel.load(path)
    assert reloaded.classes == ["w0", "w1", "w2"]
    rows = model.transform(named).drop("rawPrediction", "probability", "prediction")
    predicted = IndexToString(inputCol="prediction", outputCol="predicted").transform(reloaded.transform(rows))
    assert predicted.where("predicted = label").count() > 100
    assert predicted.where("predicted not in ('w0', 'w1', 'w2')").count() == 0

    # sparkprop evaluate and predict read the model's class indices, which the label column holds
    parquet = str(tmp_path / "indexed.parquet")
    rows.select("features", "species").write.parquet(parquet)
    sparkprop = str(REPO / "bin" / "sparkprop")
    cli = subprocess.run([sparkprop, "evaluate", "--model", path, "--data", parquet, "--format", "parquet"],
                         capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stderr[-3000:]
    metrics = dict(re.findall(r"(\w+)=(\S+)", cli.stdout.strip().splitlines()[-1]))
    accuracy = MulticlassClassificationEvaluator(labelCol="species", metricName="accuracy").evaluate(
        reloaded.transform(rows))
    assert metrics["accuracy"] == f"{accuracy:.4f}"
    output = str(tmp_path / "predictions")
    cli = subprocess.run([sparkprop, "predict", "--model", path, "--data", parquet, "--format", "parquet",
                          "--output", output], capture_output=True, text=True, timeout=600)
    assert cli.returncode == 0, cli.stderr[-3000:]
    assert spark.read.parquet(output).count() == iris.count()


def test_cross_validation_chooses_among_sparkprop_settings_and_saves_its_model(spark, iris, tmp_path):
    classifier = SparkpropClassifier(labelCol="species", epochs=20, batchRows=32, seed=3)
    grid = (ParamGridBuilder()
            .addGrid(classifier.layers, ["4,3:softmax", "4,16:relu,3:softmax"])
            .addGrid(classifier.learningRate, [0.001, 0.03])
            .build())
    cv = CrossValidator(estimator=iris_pipeline(classifier), estimatorParamMaps=grid, numFolds=2, seed=5,
                        evaluator=MulticlassClassificationEvaluator(labelCol="species", metricName="accuracy"))
    model = cv.fit(iris)
    assert len(model.avgMetrics) == 4
    best = max(range(4), key=lambda i: model.avgMetrics[i])
    chosen = model.bestModel.stages[-1]
    assert isinstance(chosen, SparkpropClassificationModel)
    assert chosen.trainingSetting("optimizer.learning_rate") == grid[best][classifier.learningRate]
    assert chosen.trainingSetting("network.layers") == grid[best][classifier.layers]
    # by the param's attribute as well as its key
    assert chosen.trainingSetting("learningRate") == grid[best][classifier.learningRate]
    assert model.avgMetrics[best] > 0.8, model.avgMetrics

    path = str(tmp_path / "cv")
    model.write().save(path)
    reloaded = CrossValidatorModel.load(path)
    assert reloaded.avgMetrics == model.avgMetrics
    assert probabilities(reloaded.transform(iris)) == probabilities(model.transform(iris))


def test_train_validation_split_tunes_a_regressor_with_per_epoch_validation(spark, tmp_path):
    diabetes = spark.read.csv(dataset("diabetes.csv"), header=True, inferSchema=True)
    features = VectorAssembler(inputCols=[f"x{i}" for i in range(1, 11)], outputCol="features")
    regressor = SparkpropRegressor(labelCol="target", layers="10,16:tanh,1:identity", epochs=40, batchRows=64,
                                   validationFraction=0.2, seed=2)
    grid = ParamGridBuilder().addGrid(regressor.learningRate, [0.001, 0.01]).build()
    tvs = TrainValidationSplit(estimator=Pipeline(stages=[features, regressor]), estimatorParamMaps=grid,
                               trainRatio=0.75, seed=11,
                               evaluator=RegressionEvaluator(labelCol="target", metricName="rmse"))
    model = tvs.fit(diabetes)
    fitted = model.bestModel.stages[-1]
    assert isinstance(fitted, SparkpropRegressionModel)
    summary = fitted.summary
    assert summary.metricNames[:2] == ["train_loss", "validation_loss"]
    assert "validation_rmse" in summary.metricNames
    assert len(summary.metric("validation_rmse")) == summary.totalEpochs == 40
    epochs = summary.toDataFrame().orderBy("epoch").collect()
    assert [r.epoch for r in epochs] == list(range(1, 41))
    assert [r.validation_rmse for r in epochs] == summary.metric("validation_rmse")
    # The targets' standard deviation is about 77: the fit must do clearly better than the mean
    rmse = RegressionEvaluator(labelCol="target", metricName="rmse").evaluate(model.transform(diabetes))
    assert rmse < 70, rmse

    path = str(tmp_path / "regressor")
    fitted.write().save(path)
    reloaded = SparkpropRegressionModel.load(path)
    assembled = features.transform(diabetes)
    assert ([r.prediction for r in reloaded.transform(assembled).collect()]
            == [r.prediction for r in fitted.transform(assembled).collect()])
    assert reloaded.summary.epochs == summary.epochs


def test_a_pipeline_model_scores_a_stream_as_it_scores_the_same_files_in_batch(spark, iris, tmp_path):
    path = str(tmp_path / "iris.parquet")
    iris.withColumn("id", F.monotonically_increasing_id()).repartition(2).write.parquet(path)
    batch = spark.read.parquet(path)
    model = iris_pipeline(SparkpropClassifier(labelCol="species", layers="4,6:tanh,3:softmax", epochs=3,
                                              blockRows=16, seed=5)).fit(batch)
    streamed = []
    # foreachBatch: the memory sink's commit message is not Kryo-registered, which the session requires
    query = (model.transform(spark.readStream.schema(batch.schema).parquet(path)).writeStream
             .foreachBatch(lambda df, _: streamed.extend(df.select("id", "probability", "prediction").collect()))
             .option("checkpointLocation", str(tmp_path / "checkpoint")).start())
    try:
        query.processAllAvailable()
    finally:
        query.stop()

    def by_id(rows):
        # Python floats are the JVM's doubles, and probabilities have no NaN or -0.0: equal is equal bits
        return {r.id: (r.probability.toArray().tolist(), r.prediction) for r in rows}

    expected = by_id(model.transform(batch).select("id", "probability", "prediction").collect())
    assert len(expected) == 150
    assert by_id(streamed) == expected
