// An ML.NET program with a Flax model inside its pipeline: load a CSV of houses, turn three columns into features,
// pass them through a small Flax network (random ReLU features, batched on ONNX Runtime), fit a linear regression on
// its output, evaluate, save and load the model, and predict one house.
//
//   dotnet run -c Release --project examples/HousePrices
using Flax;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 0);
var csv = Path.Combine(Path.GetTempPath(), "houses.csv");
Houses.WriteCsv(csv, count: 2000, seed: 1);

// 1. Load the data and split it.
IDataView data = ml.Data.LoadFromTextFile<House>(csv, separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);

// 2. The pipeline: ML.NET transforms, the Flax model, an ML.NET trainer.
var pipeline = ml.Transforms.Concatenate("Features", nameof(House.Size), nameof(House.Rooms), nameof(House.Age))
    .Append(ml.Transforms.NormalizeMinMax("Features"))
    .Append(ml.Transforms.ApplyFlaxModel("Embedding", "Features", Network.RandomFeatures, new FlaxModelOptions { Seed = 0 }))
    .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(House.Price), featureColumnName: "Embedding"));

// 3. Fit and evaluate.
using var model = pipeline.Fit(split.TrainSet);
var metrics = ml.Regression.Evaluate(model.Transform(split.TestSet), labelColumnName: nameof(House.Price));
Console.WriteLine($"R² {metrics.RSquared:F3}, RMSE {metrics.RootMeanSquaredError:F1}");

// 4. Save as an ML.NET model zip and load it back. (ML.NET loads the Flax stage as its own OnnxTransformer, which
//    scores one row per run; FlaxTransformer.Save/Load keep the batched transformer.)
var zip = Path.Combine(Path.GetTempPath(), "houses-model.zip");
ml.Model.Save(model, data.Schema, zip);
var loaded = ml.Model.Load(zip, out _);

// 5. Predict one house.
using var engine = ml.Model.CreatePredictionEngine<House, PricePrediction>(loaded);
var house = new House { Size = 120, Rooms = 4, Age = 10 };
Console.WriteLine($"A {house.Size} m², {house.Rooms}-room, {house.Age}-year-old house: predicted price {engine.Predict(house).Score:F0}");
((IDisposable)loaded).Dispose();
