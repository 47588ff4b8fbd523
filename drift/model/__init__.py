"""The model's side: prediction drift, realised and estimated performance, business impact."""
