using Pretrain.FineTuning.Evaluation;
using Pretrain.FineTuning.Training;

namespace Pretrain.Recipes.Pipeline;

/// <summary>
/// What one arm's network reached in a step after supervised training (<see cref="ConsistencyStep"/>,
/// <see cref="DistillationStep"/>): its epochs, and its test report once it was saved and tested.
/// </summary>
/// <param name="History">The step's epochs.</param>
/// <param name="Test">The test report, when there is a test set.</param>
/// <param name="KeptStart">True when no epoch beat the network the step started from on validation, so that network was kept.</param>
internal sealed record TrainedArmOutcome(TrainingHistory History, ClassificationReport? Test, bool KeptStart = false);
